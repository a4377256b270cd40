"""The southwest world: real counties of Yunnan, Guizhou and Sichuan; sales and plants simulated."""

from __future__ import annotations

from types import MappingProxyType

from recommender.data.contract import CITY, PROVINCE
from recommender.demo.worldspec import (
    Area,
    ChannelSpec,
    County,
    CropFact,
    FormSpec,
    GiFact,
    Grower,
    ProductSpec,
    ProfileSpec,
    Season,
    Targets,
    WorldSpec,
)

COFFEE, TEA, CHILI, KONJAC, WALNUT = "Coffee Arabica", "tea", "chili", "魔芋", "Walnut"
MANGO, BUCKWHEAT, POTATO, ROSE = "mango", "buckwheat", "potato", "Edible Rose"
PEPPERCORN, MACADAMIA = "花椒", "macadamia"
SIMAO, LONGYANG, QIUBEI, FUYUAN, YANGBI = "Simao", "Longyang", "丘北县", "Fuyuan", "Yangbi"
MENGHAI, ANNING, BOZHOU, WEINING, RENHE = "Menghai", "Anning", "Bozhou", "威宁县", "Renhe District"

_HIGHLAND, _TROPICAL, _PLATEAU = "subtropical_highland", "tropical", "temperate_plateau"
_VALLEY, _HUMID = "dry_hot_valley", "humid_subtropical"
_GIFT = ("taobao", "douyin_live", "wechat", "offline")  # channels that carry gift boxes
_WEB = ("taobao", "pinduoduo", "douyin_live")
_ALL = ("offline", "taobao", "pinduoduo", "douyin_live", "wechat")

_AREAS = (
    Area("Yunnan", "Yunnan", "云南省", PROVINCE),
    Area("贵州", "Guizhou", "贵州省", PROVINCE),
    Area("Sichuan", "Sichuan", "四川省", PROVINCE),
    Area("Pu'er", "Pu'er", "普洱市", CITY, "Yunnan"),
    Area("Baoshan", "Baoshan", "保山市", CITY, "Yunnan"),
    Area("Wenshan Prefecture", "Wenshan Zhuang and Miao Autonomous Prefecture",
         "文山壮族苗族自治州", CITY, "Yunnan"),
    Area("曲靖市", "Qujing", "曲靖市", CITY, "Yunnan"),
    Area("Dali", "Dali Bai Autonomous Prefecture", "大理白族自治州", CITY, "Yunnan"),
    Area("Xishuangbanna", "Xishuangbanna Dai Autonomous Prefecture", "西双版纳傣族自治州",
         CITY, "Yunnan"),
    Area("Kunming", "Kunming", "昆明市", CITY, "Yunnan"),
    Area("遵义市", "Zunyi", "遵义市", CITY, "贵州"),
    Area("Bijie", "Bijie", "毕节市", CITY, "贵州"),
    Area("Panzhihua", "Panzhihua", "攀枝花市", CITY, "Sichuan"),
)  # fmt: skip

_COUNTIES = (
    County(SIMAO, "Simao District", "思茅区", "Pu'er", _HIGHLAND),
    County(LONGYANG, "Longyang District", "隆阳区", "Baoshan", _VALLEY),
    County(QIUBEI, "Qiubei County", "丘北县", "Wenshan Prefecture", _HIGHLAND),
    County(FUYUAN, "Fuyuan County", "富源县", "曲靖市", _PLATEAU),
    County(YANGBI, "Yangbi Yi Autonomous County", "漾濞彝族自治县", "Dali", _HIGHLAND),
    County(MENGHAI, "Menghai County", "勐海县", "Xishuangbanna", _TROPICAL),
    County(ANNING, "Anning City", "安宁市", "Kunming", _HIGHLAND),
    County(BOZHOU, "Bozhou District", "播州区", "遵义市", _HUMID),
    County(WEINING, "Weining Yi, Hui and Miao Autonomous County", "威宁彝族回族苗族自治县",
           "Bijie", _PLATEAU),
    County(RENHE, "Renhe District", "仁和区", "Panzhihua", _VALLEY),
)  # fmt: skip


def _season(first: tuple[int, int], last: tuple[int, int], floor: float) -> Season:
    return Season(((first, last),), floor)


def _product(
    code: str, en: str, zh: str, category: str, price: float, season: Season, *forms: FormSpec
) -> ProductSpec:
    """A product whose shelf life is its first form's."""
    return ProductSpec(code, en, zh, category, forms[0].shelf_life_days, price, season, forms)


_F = FormSpec  # form, price factor, shelf life, weight, seasonality, kg an order, channels
_PRODUCTS = (
    _product(COFFEE, "Arabica coffee (green beans)", "小粒咖啡", "coffee", 45.0,
             _season((11, 1), (3, 31), 0.5),
             _F("fresh", 1.0, 365, 1.0, 0.6, 1.0),
             _F("roasted", 1.15, 180, 0.5, 0.2, 0.5, ("taobao", "douyin_live", "wechat"))),
    _product(TEA, "Tea (pu-erh and sun-dried green)", "茶叶", "tea", 180.0,
             _season((3, 1), (5, 15), 0.5),
             _F("graded_packed", 1.0, 730, 1.0, 0.6, 0.5),
             _F("gift_box", 1.8, 730, 0.1, 0.3, 0.5, _GIFT)),
    _product(CHILI, "Chili pepper", "辣椒", "vegetable", 7.0, _season((7, 1), (10, 31), 0.05),
             _F("fresh", 1.0, 10, 1.0, 1.0, 2.5),
             _F("dried", 8.0, 365, 0.4, 0.15, 0.5, (*_WEB, "offline")),  # 1 kg takes ~8 fresh
             _F("sauce", 2.2, 270, 0.3, 0.1, 0.5)),
    _product(KONJAC, "Konjac corm", "魔芋", "vegetable", 3.5, _season((10, 15), (3, 15), 0.1),
             _F("fresh", 1.0, 30, 1.0, 1.0, 10.0),
             _F("dried", 7.0, 365, 0.2, 0.3, 1.0, (*_WEB, "offline"))),
    _product(WALNUT, "Walnut (in shell)", "核桃", "nut", 22.0, _season((9, 1), (2, 28), 0.35),
             _F("fresh", 1.0, 180, 1.0, 1.0, 2.5),
             _F("graded_packed", 1.3, 270, 0.6, 0.9, 2.5),
             _F("gift_box", 2.2, 270, 0.25, 0.8, 1.5, _GIFT)),
    _product(MANGO, "Mango", "芒果", "fruit", 9.0, _season((7, 1), (10, 31), 0.02),
             _F("fresh", 1.0, 10, 1.0, 1.0, 5.0),
             _F("graded_packed", 1.3, 12, 0.6, 1.0, 5.0),
             _F("gift_box", 2.0, 10, 0.2, 0.9, 3.0, _GIFT)),
    _product(BUCKWHEAT, "Tartary buckwheat", "苦荞", "grain", 10.0,
             _season((9, 15), (12, 31), 0.6),
             _F("fresh", 1.0, 365, 1.0, 0.5, 5.0),
             _F("roasted", 4.0, 365, 0.5, 0.2, 0.5)),  # roasted buckwheat tea (苦荞茶)
    _product(POTATO, "Potato", "马铃薯", "vegetable", 2.2, _season((8, 1), (3, 31), 0.3),
             _F("fresh", 1.0, 60, 1.0, 1.0, 10.0)),
    _product(ROSE, "Edible rose", "食用玫瑰", "flower", 30.0, _season((4, 15), (7, 31), 0.02),
             _F("fresh", 1.0, 3, 1.0, 1.0, 1.0, ("offline", "taobao", "douyin_live")),
             _F("dried", 6.0, 365, 0.5, 0.2, 0.25),
             _F("sauce", 1.6, 365, 0.6, 0.2, 0.5)),  # rose petal jam (玫瑰酱)
    _product(PEPPERCORN, "Sichuan peppercorn", "花椒", "spice", 80.0,
             _season((7, 1), (9, 30), 0.5),
             _F("fresh", 1.0, 365, 1.0, 0.5, 0.5)),
    _product(MACADAMIA, "Macadamia nut", "夏威夷果", "nut", 40.0,
             _season((8, 15), (12, 31), 0.3),
             _F("fresh", 1.0, 180, 1.0, 0.8, 1.0)),
)  # fmt: skip

_CHANNELS = (
    ChannelSpec("offline", 0.8, 0.9, -0.05, False),
    ChannelSpec("taobao", 1.0, 1.0, 0.0, True),
    ChannelSpec("pinduoduo", 0.88, 0.8, 0.1, True),
    ChannelSpec("douyin_live", 0.95, 0.8, 0.25, True),
    ChannelSpec("wechat", 1.1, 0.4, 0.05, True),
)

_OFF, _TB, _PDD, _DY, _WX = "offline", "taobao", "pinduoduo", "douyin_live", "wechat"
_GROWERS = (
    Grower(SIMAO, COFFEE, 800, ("fresh", "roasted"), (_OFF, _TB, _DY, _WX)),
    Grower(SIMAO, TEA, 150, ("graded_packed",), (_OFF, _TB, _WX)),
    Grower(SIMAO, MACADAMIA, 1.5, ("fresh",), (_TB,)),  # sparse
    Grower(LONGYANG, COFFEE, 500, ("fresh",), (_OFF, _TB, _PDD)),
    Grower(LONGYANG, WALNUT, 120, ("fresh", "graded_packed"), (_OFF, _TB, _DY)),
    Grower(LONGYANG, MANGO, 40, ("fresh",), (_OFF, _PDD)),
    Grower(QIUBEI, CHILI, 1200, ("fresh",), (_OFF, _TB, _PDD, _DY)),
    Grower(QIUBEI, KONJAC, 60, ("fresh",), (_OFF,)),
    Grower(FUYUAN, KONJAC, 2500, ("fresh", "dried"), (_OFF, _TB, _PDD)),
    Grower(FUYUAN, POTATO, 900, ("fresh",), (_OFF, _PDD)),
    Grower(YANGBI, WALNUT, 1500, ("fresh", "graded_packed"), _ALL),
    Grower(YANGBI, POTATO, 100, ("fresh",), (_OFF,)),
    Grower(MENGHAI, TEA, 600, ("graded_packed",), (_OFF, _TB, _DY, _WX)),
    Grower(MENGHAI, COFFEE, 80, ("fresh",), (_OFF, _TB)),
    Grower(MENGHAI, MANGO, 60, ("fresh",), (_OFF, _TB)),
    Grower(MENGHAI, MACADAMIA, 30, ("fresh",), (_OFF, _TB)),
    Grower(ANNING, ROSE, 150, ("fresh", "dried", "sauce"), (_OFF, _TB, _DY, _WX)),
    Grower(ANNING, WALNUT, 40, ("fresh",), (_OFF,)),
    Grower(BOZHOU, CHILI, 800, ("fresh", "sauce"), (_OFF, _TB, _PDD, _DY)),
    Grower(BOZHOU, TEA, 40, ("graded_packed",), (_OFF, _TB)),
    Grower(BOZHOU, PEPPERCORN, 0.6, ("fresh",), (_TB,)),  # sparse
    Grower(WEINING, BUCKWHEAT, 400, ("fresh", "roasted"), (_OFF, _TB, _PDD)),
    Grower(WEINING, POTATO, 2000, ("fresh",), (_OFF, _PDD, _DY)),
    Grower(WEINING, WALNUT, 80, ("fresh",), (_OFF, _TB)),
    Grower(WEINING, PEPPERCORN, 30, ("fresh",), (_OFF,)),
    Grower(RENHE, MANGO, 3000, ("fresh", "graded_packed", "gift_box"), _ALL),
    Grower(RENHE, COFFEE, 0.8, ("fresh",), (_TB,)),  # sparse
)
"""Who sells what: kg a week in season through these channels (a county's raw harvest is far
larger), in which forms and channels."""

_CROPS = (
    CropFact(COFFEE, _HIGHLAND, 150, 2800, 36),
    CropFact(COFFEE, _VALLEY, 180, 3200, 36),
    CropFact(TEA, _TROPICAL, 60, 3000, 36),
    CropFact(TEA, _HIGHLAND, 50, 2800, 36),
    CropFact(KONJAC, _PLATEAU, 2000, 4800, 24),  # 2.4 yuan/kg
    CropFact(CHILI, _HIGHLAND, 1500, 2400, 5),
    CropFact(MANGO, _VALLEY, 1200, 4500, 36),
    CropFact(WALNUT, _HIGHLAND, 150, 1200, 96),
)

_GIS = (
    GiFact(SIMAO, COFFEE, "registered", "普洱咖啡", "Pu'er coffee"),
    GiFact(LONGYANG, COFFEE, "registered", "保山小粒咖啡", "Baoshan small-bean coffee"),
    GiFact(QIUBEI, CHILI, "registered", "丘北辣椒", "Qiubei chili"),
    GiFact(YANGBI, WALNUT, "registered", "漾濞核桃", "Yangbi walnut"),
    GiFact(FUYUAN, KONJAC, "applied", "富源魔芋", "Fuyuan konjac"),
    GiFact(BOZHOU, CHILI, "applied", "遵义朝天椒", "Zunyi facing-heaven chili"),
)

SOUTHWEST = WorldSpec(
    name="southwest",
    areas=_AREAS,
    counties=_COUNTIES,
    products=_PRODUCTS,
    channels=_CHANNELS,
    growers=_GROWERS,
    crops=_CROPS,
    gis=_GIS,
    profile=ProfileSpec(
        region=YANGBI,
        raw_volume_kg=MappingProxyType({WALNUT: 1_500_000.0, POTATO: 120_000.0}),
        capital_yuan=600_000.0,
        skill_level=2,
        cold_chain=False,
        transit_days=4,
    ),
    targets=Targets(
        rising_crop=COFFEE,
        collapsing_price=(RENHE, MANGO),
        brand_premium=(MENGHAI, TEA),
        roasted_value=(SIMAO, COFFEE),
        long_shelf_form=(QIUBEI, CHILI),
        below_cost_line=(FUYUAN, KONJAC),
        festival_mix=TEA,
        unsold_form=(YANGBI, WALNUT),
    ),
    source="simulated (southwest world: real places; sales, prices and GI status simulated)",
)
"""Ten real counties of Yunnan, Guizhou and Sichuan with eleven products (coffee, konjac,
chili, edible rose...), identifiers written with capitals, spaces and Chinese characters."""
