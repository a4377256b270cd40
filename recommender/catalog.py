"""Real regions and products of the demo data: names, hierarchy, and what each county grows."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

PROVINCE, CITY, COUNTY = "province", "city", "county"
REGION_COLUMNS = ("region", "name_en", "name_zh", "level", "parent", "climate_zone")
PRODUCT_COLUMNS = ("product", "name_en", "name_zh", "category", "shelf_life_days", "unit")


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
    """The regions table: provinces, cities, then counties (columns ``REGION_COLUMNS``)."""
    return pd.DataFrame([asdict(r) for r in REGIONS], columns=list(REGION_COLUMNS))


def products_frame() -> pd.DataFrame:
    """The products table (columns ``PRODUCT_COLUMNS``)."""
    return pd.DataFrame([asdict(p) for p in PRODUCTS], columns=list(PRODUCT_COLUMNS))
