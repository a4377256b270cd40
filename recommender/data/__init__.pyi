from . import calendar, contract, layout, periods, vocabulary
from .aggregate import SummedIngest, aggregate_panel
from .artifacts import RunOutputs, outputs_stamp, read_outputs
from .assumptions import Assumption, complete_crops, complete_options, complete_signals
from .folder import Inputs, Knowledge, read_data_folder, read_inputs, read_knowledge
from .ingest import IngestResult, load_sales, validate_sales
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
    "Assumption",
    "IngestResult",
    "Inputs",
    "Knowledge",
    "RunOutputs",
    "SummedIngest",
    "aggregate_panel",
    "calendar",
    "complete_crops",
    "complete_options",
    "complete_signals",
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
    "read_knowledge",
    "read_outputs",
    "read_table",
    "region_hierarchy",
    "validate_brand_signals",
    "validate_crop_economics",
    "validate_processing_options",
    "validate_products",
    "validate_regions",
    "validate_sales",
    "vocabulary",
]
