"""Entry points: the typed jobs (``pipelines.jobs``) and the ``xingnong`` command line over them."""
