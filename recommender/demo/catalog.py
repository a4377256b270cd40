"""The demo world: real regions and products (facts) and the simulated market (assumptions)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple

import pandas as pd

from recommender.data.contract import (
    CITY,
    COUNTY,
    PRODUCT_COLUMNS,
    PROVINCE,
    REGION_COLUMNS,
    REGION_OPTIONAL_COLUMNS,
)

DEMO_SEED = 7
DEMO_START = "2022-01-02"
DEMO_WEEKS = 204
"""The committed demo data: its seed, a day in its first week and its length in weeks."""
MEAN_WEEKS_PER_YEAR = 365.2425 / 7
"""Weeks in a mean Gregorian year: the period of the demo's yearly seasons and trends."""


@dataclass(frozen=True)
class Region:
    """A province, city (prefecture) or county; ``parent`` is empty for a province."""

    region: str
    name_en: str
    name_zh: str
    level: str
    parent: str
    climate_zone: str


@dataclass(frozen=True)
class Product:
    """A farm product; ``shelf_life_days`` is an approximate figure for its main form."""

    product: str
    name_en: str
    name_zh: str
    category: str
    shelf_life_days: int
    unit: str = "kg"


@dataclass(frozen=True)
class Season:
    """When a product is mainly sold: harvest (or new-crop) windows and the off-season floor.

    Attributes:
        windows: ``((first month, day), (last month, day))`` pairs; a window may cross the new
            year (e.g. navel oranges Nov-Mar).
        floor: Off-season demand relative to the season (0-1), e.g. cold-stored apples in summer.
    """

    windows: tuple[tuple[tuple[int, int], tuple[int, int]], ...]
    floor: float


def _r(code: str, en: str, zh: str, level: str, parent: str, zone: str) -> Region:
    return Region(code, en, zh, level, parent, zone)


WT, NST, ST = "warm_temperate", "north_subtropical", "subtropical"

REGIONS: tuple[Region, ...] = (
    _r("shaanxi", "Shaanxi", "陕西省", PROVINCE, "", "mixed"),
    _r("hunan", "Hunan", "湖南省", PROVINCE, "", ST),
    _r("jiangxi", "Jiangxi", "江西省", PROVINCE, "", ST),
    _r("hanzhong", "Hanzhong", "汉中市", CITY, "shaanxi", NST),
    _r("yanan", "Yan'an", "延安市", CITY, "shaanxi", WT),
    _r("xian", "Xi'an", "西安市", CITY, "shaanxi", WT),
    _r("baoji", "Baoji", "宝鸡市", CITY, "shaanxi", WT),
    _r("shangluo", "Shangluo", "商洛市", CITY, "shaanxi", NST),
    _r("weinan", "Weinan", "渭南市", CITY, "shaanxi", WT),
    _r("huaihua", "Huaihua", "怀化市", CITY, "hunan", ST),
    _r("yiyang", "Yiyang", "益阳市", CITY, "hunan", ST),
    _r("changde", "Changde", "常德市", CITY, "hunan", ST),
    _r(
        "xiangxi",
        "Xiangxi Tujia and Miao Autonomous Prefecture",
        "湘西土家族苗族自治州",
        CITY,
        "hunan",
        ST,
    ),  # fmt: skip
    _r("ganzhou", "Ganzhou", "赣州市", CITY, "jiangxi", ST),
    _r("shangrao", "Shangrao", "上饶市", CITY, "jiangxi", ST),
    _r("fuzhou_jx", "Fuzhou (Jiangxi)", "抚州市", CITY, "jiangxi", ST),
    _r("jian", "Ji'an", "吉安市", CITY, "jiangxi", ST),
    _r("liuba", "Liuba County", "留坝县", COUNTY, "hanzhong", NST),
    _r("xixiang", "Xixiang County", "西乡县", COUNTY, "hanzhong", NST),
    _r("luochuan", "Luochuan County", "洛川县", COUNTY, "yanan", WT),
    _r("zhouzhi", "Zhouzhi County", "周至县", COUNTY, "xian", WT),
    _r("meixian", "Mei County", "眉县", COUNTY, "baoji", WT),
    _r("zhashui", "Zhashui County", "柞水县", COUNTY, "shangluo", NST),
    _r("fuping", "Fuping County", "富平县", COUNTY, "weinan", WT),
    _r("yuanling", "Yuanling County", "沅陵县", COUNTY, "huaihua", ST),
    _r("mayang", "Mayang Miao Autonomous County", "麻阳苗族自治县", COUNTY, "huaihua", ST),
    _r("anhua", "Anhua County", "安化县", COUNTY, "yiyang", ST),
    _r("shimen", "Shimen County", "石门县", COUNTY, "changde", ST),
    _r("guzhang", "Guzhang County", "古丈县", COUNTY, "xiangxi", ST),
    _r("xinfeng", "Xinfeng County", "信丰县", COUNTY, "ganzhou", ST),
    _r("xunwu", "Xunwu County", "寻乌县", COUNTY, "ganzhou", ST),
    _r("wuyuan", "Wuyuan County", "婺源县", COUNTY, "shangrao", ST),
    _r("wannian", "Wannian County", "万年县", COUNTY, "shangrao", ST),
    _r("nanfeng", "Nanfeng County", "南丰县", COUNTY, "fuzhou_jx", ST),
    _r("suichuan", "Suichuan County", "遂川县", COUNTY, "jian", ST),
)

PRODUCTS: tuple[Product, ...] = (
    Product("apple", "Apple", "苹果", "fruit", 90),  # cold store
    Product("kiwifruit", "Kiwifruit", "猕猴桃", "fruit", 30),
    Product("navel_orange", "Navel orange", "脐橙", "fruit", 60),
    Product("ponkan", "Ponkan mandarin", "椪柑", "fruit", 45),
    Product("tangerine", "Tangerine (mandarin)", "蜜桔", "fruit", 45),
    Product("rock_sugar_orange", "Rock-sugar orange", "冰糖橙", "fruit", 60),
    Product("cherry", "Cherry", "樱桃", "fruit", 7),
    Product("persimmon", "Persimmon", "柿子", "fruit", 15),
    Product("tea", "Tea", "茶叶", "tea", 365),
    Product("rice", "Rice", "大米", "grain", 365),
    Product("walnut", "Walnut", "核桃", "nut", 180),
    Product("chili", "Chili pepper", "辣椒", "vegetable", 10),
    Product("shiitake", "Shiitake mushroom", "香菇", "fungus", 7),
    Product("black_fungus", "Black fungus (wood ear, dried)", "木耳", "fungus", 365),
    Product("honey", "Honey", "蜂蜜", "bee_product", 730),
    Product("potato", "Potato", "马铃薯", "vegetable", 60),
)

#: What each county grows or is known for; the first product is its signature (famous) one.
COUNTY_PRODUCTS: dict[str, tuple[str, ...]] = {
    "liuba": ("honey", "shiitake", "black_fungus", "walnut"),
    "xixiang": ("tea", "cherry", "rice"),
    "luochuan": ("apple", "walnut", "potato"),
    "zhouzhi": ("kiwifruit", "walnut", "honey"),
    "meixian": ("kiwifruit", "cherry", "apple"),
    "zhashui": ("black_fungus", "shiitake", "walnut", "honey"),
    "fuping": ("persimmon", "apple", "walnut"),
    "yuanling": ("tea", "ponkan", "chili", "honey"),
    "mayang": ("rock_sugar_orange", "ponkan", "chili"),
    "anhua": ("tea", "chili", "rice"),
    "shimen": ("ponkan", "tea", "rice"),
    "guzhang": ("tea", "chili", "honey"),
    "xinfeng": ("navel_orange", "rice", "chili"),
    "xunwu": ("navel_orange", "tangerine", "honey"),
    "wuyuan": ("tea", "rice", "honey"),
    "wannian": ("rice", "chili", "honey"),
    "nanfeng": ("tangerine", "rice", "honey"),
    "suichuan": ("tea", "honey", "chili"),
}

#: Processing forms each product is sold in (only those that make sense for it).
PRODUCT_FORMS: dict[str, tuple[str, ...]] = {
    "apple": ("fresh", "graded_packed", "gift_box", "juice"),
    "kiwifruit": ("fresh", "graded_packed", "gift_box", "dried", "juice"),
    "navel_orange": ("fresh", "graded_packed", "gift_box", "juice"),
    "ponkan": ("fresh", "graded_packed"),
    "tangerine": ("fresh", "graded_packed", "gift_box"),
    "rock_sugar_orange": ("fresh", "graded_packed", "gift_box"),
    "cherry": ("fresh", "gift_box"),
    "persimmon": ("fresh", "dried"),
    "tea": ("graded_packed", "gift_box"),
    "rice": ("fresh", "graded_packed"),
    "walnut": ("fresh", "graded_packed", "gift_box"),
    "chili": ("fresh", "dried"),
    "shiitake": ("fresh", "dried", "gift_box"),
    "black_fungus": ("dried", "gift_box"),
    "honey": ("graded_packed", "gift_box"),
    "potato": ("fresh",),
}

#: Approximate selling seasons; ``product:form`` overrides the product's season for one form.
SEASONS: dict[str, Season] = {
    "apple": Season((((9, 10), (4, 30)),), 0.12),  # harvest Sep-Oct, then cold store
    "kiwifruit": Season((((9, 1), (1, 31)),), 0.03),
    "navel_orange": Season((((11, 10), (3, 15)),), 0.02),
    "ponkan": Season((((11, 1), (2, 15)),), 0.02),
    "tangerine": Season((((10, 20), (1, 31)),), 0.02),
    "rock_sugar_orange": Season((((11, 1), (2, 10)),), 0.02),
    "cherry": Season((((5, 5), (6, 15)),), 0.005),
    "persimmon": Season((((10, 1), (12, 15)),), 0.02),
    "persimmon:dried": Season((((11, 15), (2, 28)),), 0.1),  # dried persimmon (柿饼)
    "tea": Season((((3, 15), (5, 31)),), 0.45),  # new spring tea
    "rice": Season((((10, 1), (12, 31)),), 0.75),  # new-crop rice
    "walnut": Season((((9, 1), (2, 28)),), 0.4),
    "chili": Season((((7, 1), (10, 15)),), 0.05),
    "shiitake": Season((((3, 1), (5, 15)), ((10, 1), (12, 15))), 0.25),  # spring, autumn flush
    "black_fungus": Season((((5, 1), (9, 30)),), 0.6),
    "honey": Season((((6, 15), (10, 31)),), 0.7),
    "potato": Season((((7, 20), (3, 31)),), 0.3),
}


# --- Simulation assumptions (NOT facts): the market the demo sales are drawn from. ----------
# Prices are yuan/kg of the product's base form; packs are kg per order. A later issue plants
# opportunities by changing these tables or the spec table built from them.

CHANNELS: tuple[str, ...] = ("taobao", "pinduoduo", "douyin_live", "wechat", "offline")
ONLINE_CHANNELS: tuple[str, ...] = ("taobao", "pinduoduo", "douyin_live")


class FormTraits(NamedTuple):
    """How a processing form sells (simulation assumption)."""

    price: float  # price per kg relative to the fresh product
    pack_kg: float  # kg per order; <= 0 means -pack_kg times the product's pack
    elasticity: float  # price elasticity of demand
    seasonality: float  # how strongly the harvest season shapes sales (0-1)
    weight: float  # typical share of the product's sales


class ChannelTraits(NamedTuple):
    """How a sales channel sells (simulation assumption)."""

    price: float  # price level relative to taobao
    growth: float  # log growth per year (douyin_live follows a ramp instead)
    weight: float  # typical share of sales
    pack: float  # order size multiplier (offline sells crates)


BASE_PRICE = {"apple": 8, "kiwifruit": 12, "navel_orange": 9, "ponkan": 6, "tangerine": 7,
          "rock_sugar_orange": 9, "cherry": 40, "persimmon": 8, "tea": 300, "rice": 8,
          "walnut": 30, "chili": 8, "shiitake": 16, "black_fungus": 90, "honey": 80,
          "potato": 3}  # fmt: skip
PACK_KG = {"apple": 5, "kiwifruit": 3, "navel_orange": 5, "ponkan": 5, "tangerine": 5,
         "rock_sugar_orange": 5, "cherry": 1, "persimmon": 2.5, "tea": 0.25, "rice": 5,
         "walnut": 2.5, "chili": 1, "shiitake": 1, "black_fungus": 0.5, "honey": 1,
         "potato": 10}  # fmt: skip
DRIED_PRICE_FACTOR = {"kiwifruit": 8.0, "shiitake": 5.0, "chili": 4.0, "persimmon": 3.5}
FORM_TRAITS = {
    "fresh": FormTraits(1.0, -1.0, -1.4, 1.0, 1.0),
    "graded_packed": FormTraits(1.3, -1.0, -1.1, 1.0, 0.7),
    "gift_box": FormTraits(2.0, -0.6, -0.7, 0.85, 0.35),
    "dried": FormTraits(1.0, 0.5, -1.0, 0.2, 0.3),
    "juice": FormTraits(2.5, 3.0, -1.2, 0.25, 0.35),
}
CHANNEL_TRAITS = {
    "taobao": ChannelTraits(1.0, 0.0, 1.0, 1.0),
    "pinduoduo": ChannelTraits(0.88, 0.12, 0.8, 1.0),
    "douyin_live": ChannelTraits(0.95, 0.0, 0.9, 1.0),
    "wechat": ChannelTraits(1.1, 0.05, 0.4, 1.0),
    "offline": ChannelTraits(0.8, -0.06, 0.9, 4.0),
}
FORM_CHANNELS = {
    "fresh": ("taobao", "pinduoduo", "douyin_live", "offline"),
    "graded_packed": CHANNELS,
    "gift_box": ("taobao", "douyin_live", "wechat", "offline"),
    "dried": ("taobao", "pinduoduo", "douyin_live", "offline"),
    "juice": ("taobao", "pinduoduo", "offline"),
}
# Festival demand effects (log uplift) by channel, form and product category; added together.
_ONLINE_FESTIVAL_EFFECTS = {
    "nianhuo": 0.3,
    "spring_festival": -1.0,  # couriers stop over the holiday
    "jd_618": 0.35,
    "double_11": 0.55,
    "double_12": 0.2,
}
FESTIVAL_EFFECTS_BY_CHANNEL = {
    **{c: _ONLINE_FESTIVAL_EFFECTS for c in ONLINE_CHANNELS},
    "wechat": {"nianhuo": 0.4, "spring_festival": -0.6, "mid_autumn": 0.2},
    "offline": {"spring_festival": 0.3, "national_day": 0.25, "labour_day": 0.15},
}
FESTIVAL_EFFECTS_BY_FORM = {
    "fresh": {"nianhuo": 0.2, "mid_autumn": 0.15},
    "graded_packed": {"nianhuo": 0.25, "mid_autumn": 0.3},
    "gift_box": {"mid_autumn": 1.0, "nianhuo": 0.8, "dragon_boat": 0.25, "national_day": 0.2},
    "dried": {"nianhuo": 0.5},
    "juice": {"nianhuo": 0.2},
}
FESTIVAL_EFFECTS_BY_CATEGORY = {"tea": {"qingming": 0.5}}  # pre-Qingming new tea (明前茶)
LEAD_FESTIVALS = ("mid_autumn", "qingming", "dragon_boat")  # bought 1-2 weeks ahead
PROMO_DISCOUNT = {"jd_618": 0.10, "double_11": 0.15, "double_12": 0.08, "nianhuo": 0.05}


def season_of(product: str, form: str) -> Season:
    """The selling season of a product sold in a form.

    Args:
        product: Product code.
        form: Processing form.

    Returns:
        The form's own season when one is listed, else the product's.
    """
    return SEASONS.get(f"{product}:{form}", SEASONS[product])


def regions_frame() -> pd.DataFrame:
    """The regions table: provinces, cities, then counties (with their climate zones)."""
    columns = [*REGION_COLUMNS, *REGION_OPTIONAL_COLUMNS]
    return pd.DataFrame([asdict(r) for r in REGIONS], columns=columns)


def products_frame() -> pd.DataFrame:
    """The products table (the contract's product columns)."""
    return pd.DataFrame([asdict(p) for p in PRODUCTS], columns=list(PRODUCT_COLUMNS))
