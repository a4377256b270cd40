from . import calendar, contract, layout, periods, vocabulary
from .artifacts import RunOutputs, outputs_stamp, read_outputs
from .folder import Inputs, read_data_folder, read_inputs, table_or_demo
from .ingest import IngestResult, aggregate_panel, load_sales, validate_sales
from .pii import pii_key_from_env
from .readers import read_table
from .reference import (
    counties_by_province,
    load_products,
    load_regions,
    region_hierarchy,
    validate_products,
    validate_regions,
)
from .tables import (
    load_brand_signals,
    load_crop_economics,
    load_processing_options,
    validate_brand_signals,
    validate_crop_economics,
    validate_processing_options,
)

__all__ = [
    "IngestResult",
    "Inputs",
    "RunOutputs",
    "aggregate_panel",
    "calendar",
    "contract",
    "counties_by_province",
    "layout",
    "load_brand_signals",
    "load_crop_economics",
    "load_processing_options",
    "load_products",
    "load_regions",
    "load_sales",
    "outputs_stamp",
    "periods",
    "pii_key_from_env",
    "read_data_folder",
    "read_inputs",
    "read_outputs",
    "read_table",
    "region_hierarchy",
    "table_or_demo",
    "validate_brand_signals",
    "validate_crop_economics",
    "validate_processing_options",
    "validate_products",
    "validate_regions",
    "validate_sales",
    "vocabulary",
]
