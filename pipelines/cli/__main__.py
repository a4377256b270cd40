"""``python -m pipelines.cli``: the ``xingnong`` command without its installed script."""

from pipelines.cli.main import main

raise SystemExit(main())
