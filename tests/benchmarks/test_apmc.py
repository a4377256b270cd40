"""The APMC loader on a few rows: mapping to the sales contract, ingest, filter and gap report."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from benchmarks.apmc import gap_report, load_apmc, read_apmc, slug, to_sales
from recommender.forecast.training import build_panel

HEADER = (
    ",,APMC,Commodity,Year,Month,arrivals_in_qtl,min_price,max_price,modal_price,date,"
    "district_name,state_name"
)


def _row(apmc: str, commodity: str, month: str, arrivals: str, price: str) -> str:
    year, mon = month.split("-")
    return f"0,0,{apmc},{commodity},{year},X,{arrivals},1,2,{price},{month},D,MAHARASHTRA"


@pytest.fixture
def apmc_csv(tmp_path):
    # KALAMB OS / PIGEON PEA TUR: 4 months with a gap in 2015-11, ends one month early
    # AKOLE / BAJRI: 5 months, complete; AKOLE / MAIZE: 2 months (dropped by min_months=4)
    rows = [
        _row("KALAMB OS", "PIGEON PEA TUR", "2015-09", "100", "4500"),
        _row("KALAMB OS", "PIGEON PEA TUR", "2015-10", "120", "4600"),
        _row("KALAMB OS", "PIGEON PEA TUR", "2015-12", "90", "4700"),
        _row("KALAMB OS", "PIGEON PEA TUR", "2016-01", "80", "4800"),
        *(_row("AKOLE", "BAJRI", f"2015-{m:02d}", str(10 * m), "1500") for m in range(9, 13)),
        _row("AKOLE", "BAJRI", "2016-02", "7", "1500"),
        _row("AKOLE", "MAIZE", "2015-09", "5", "1300"),
        _row("AKOLE", "MAIZE", "2015-10", "6", "0"),  # price 0: quarantined by ingest
        _row("AKOLE", "BAJRI", "2015-13", "9", "1500"),  # not a month: quarantined
    ]
    path = tmp_path / "apmc.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_slug_makes_lower_case_codes():
    names = pd.Series([" KALAMB OS", "PIGEON PEA TUR", "BHOKARDANPIMPALGAON RENU"])
    assert slug(names).tolist() == ["kalamb_os", "pigeon_pea_tur", "bhokardanpimpalgaon_renu"]


def test_to_sales_maps_columns_to_the_contract_as_text(apmc_csv):
    sales = to_sales(read_apmc(apmc_csv))
    assert list(sales.columns) == ["date", "region", "product", "quantity", "price"]
    first = sales.iloc[0].to_dict()
    assert first == {
        "date": "2015-09-01",
        "region": "kalamb_os",
        "product": "pigeon_pea_tur",
        "quantity": "100",
        "price": "4500",
    }
    assert sales["date"].iloc[-1] == "2015-13-01"  # left for ingest to reject


def test_to_sales_refuses_names_that_share_a_code():
    raw = pd.DataFrame(
        {
            "APMC": ["KALAMB OS", "KALAMB-OS"],
            "Commodity": ["BAJRI", "BAJRI"],
            "date": ["2015-09", "2015-10"],
            "arrivals_in_qtl": ["1", "2"],
            "modal_price": ["3", "4"],
        }
    )
    with pytest.raises(ValueError, match="share a code"):
        to_sales(raw)


def test_read_apmc_names_missing_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("APMC,Commodity\nA,B\n", encoding="utf-8")
    with pytest.raises(ValueError, match="arrivals_in_qtl"):
        read_apmc(path)


def test_load_apmc_ingests_every_row_and_keeps_long_series(apmc_csv):
    apmc = load_apmc(apmc_csv, min_months=4, today=dt.date(2017, 1, 1))
    assert apmc.ingest.rows_read == 12
    assert apmc.ingest.reason_counts() == {"bad_date": 1, "bad_price": 1}
    assert (apmc.series_total, apmc.series_kept) == (3, 2)
    kept = set(zip(apmc.sales["region"], apmc.sales["product"], strict=True))
    assert kept == {("kalamb_os", "pigeon_pea_tur"), ("akole", "bajri")}
    assert apmc.sales["date"].min() == pd.Timestamp("2015-09-01")
    assert apmc.sales["quantity"].sum() == 100 + 120 + 90 + 80 + 10 * (9 + 10 + 11 + 12) + 7


def test_load_apmc_max_series_keeps_the_first_codes(apmc_csv):
    apmc = load_apmc(apmc_csv, min_months=4, max_series=1)
    assert apmc.series_kept == 1
    assert set(apmc.sales["region"]) == {"akole"}


def test_gap_report_counts_internal_and_trailing_gaps(apmc_csv):
    apmc = load_apmc(apmc_csv, min_months=4)
    report = gap_report(apmc.sales)
    assert report["series"] == 2
    assert report["observed_months"] == 9
    assert report["reported_zero_rows"] == 0
    # kalamb_os misses 2015-11; akole/bajri misses 2016-01
    assert report["series_with_internal_gaps"] == 2
    assert report["internal_gap_months"] == 2
    assert report["internal_gaps_by_calendar_month"]["nov"] == 1
    # kalamb_os ends 2016-01, the panel 2016-02
    assert (report["series_with_trailing_gaps"], report["trailing_gap_months"]) == (1, 1)
    assert report["filled_zero_share"] == pytest.approx(3 / 12, abs=1e-4)


def test_completion_fills_gaps_with_zero_as_the_report_says(apmc_csv):
    apmc = load_apmc(apmc_csv, min_months=4)
    panel = build_panel(apmc.sales, "MS")
    long = panel.long.set_index(["unique_id", "ds"])["y"]
    assert long[("kalamb_os|pigeon_pea_tur", pd.Timestamp("2015-11-01"))] == 0.0
    assert long[("kalamb_os|pigeon_pea_tur", pd.Timestamp("2016-02-01"))] == 0.0
    assert len(long) - len(apmc.sales) == 3
