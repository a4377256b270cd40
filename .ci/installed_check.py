"""Checks run inside the fresh venv of `make wheel-check`, after `xingnong run` there.

Usage: python installed_check.py OUT_DIR HOME_DIR. Exits non-zero with a one-line reason when
the installed package came from the checkout, an output is missing, or the registered model
does not serve a forecast.
"""

import sys
from pathlib import Path

import mlflow
import pandas as pd

import recommender
from recommender.config import DEMO_DATA_DIR, REGISTERED_DEMAND_MODEL

out, home = Path(sys.argv[1]), Path(sys.argv[2])
where = Path(recommender.__file__).resolve()
if "site-packages" not in where.parts:
    sys.exit(f"recommender was imported from {where}, not from the installed wheel")
if not (DEMO_DATA_DIR / "sales.csv").is_file() or "site-packages" not in DEMO_DATA_DIR.parts:
    sys.exit(f"the demo data is not inside the installed package: {DEMO_DATA_DIR}")
forecast = pd.read_csv(out / "forecast.csv")
documents = sorted((out / "recommendations").glob("*.json"))
if forecast.empty or not documents:
    sys.exit(f"{out} lacks the forecast or the recommendations")
mlflow.set_tracking_uri(f"sqlite:///{home / 'mlflow.db'}")
model = mlflow.pyfunc.load_model(f"models:/{REGISTERED_DEMAND_MODEL}/1")
first = forecast.iloc[0]
served = model.predict(pd.DataFrame({"region": [first["region"]], "product": [first["product"]]}))
if served.empty:
    sys.exit("the registered model served no forecast")
print(f"installed package OK: {len(forecast)} forecast rows, {len(documents)} regions advised")
