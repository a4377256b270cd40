"""MLflow "models from code" entry: serves the demand bundle's forecast (no pickles)."""

from recommender.tracking import set_demand_model

set_demand_model()
