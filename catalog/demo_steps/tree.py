"""The demo category tree (with each leaf's parameter schema) and the halls of the home page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories import service as categories
from catalog.categories.models import Category
from catalog.demo_data import LEAVES, PARAMS, TREE
from catalog.demo_steps.common import OPERATOR
from catalog.halls import service as halls
from catalog.halls.models import Hall


def _add(
    session: Session,
    existing: dict[str, Category],
    code: str,
    names: tuple[str, str],
    kind: str,
    parent: str | None,
    flags: dict,
) -> Category:
    """The category ``code`` under ``parent``, created by the operator."""
    zh, en = names
    existing[code] = categories.create_category(
        session,
        OPERATOR,
        {
            "code": code,
            "name_zh": zh,
            "name_en": en,
            "kind": kind,
            "parent_id": existing[parent].id if parent else None,
            **flags,
        },
    )
    return existing[code]


def build_tree(session: Session) -> dict[str, Category]:
    """The demo tree's categories that are not there yet; each leaf with its parameter schema."""
    existing = {c.code: c for c in session.scalars(select(Category))}
    for code, zh, en, kind, parent, flags in TREE:
        if code not in existing:
            _add(session, existing, code, (zh, en), kind, parent, flags)
    for code, zh, en, parent, flags, params, _brands, _prices in LEAVES:
        if code not in existing:
            leaf = _add(session, existing, code, (zh, en), existing[parent].kind, parent, flags)
            categories.set_schema(session, OPERATOR, leaf.id, PARAMS[params])
    return existing


def add_halls(session: Session, tree: dict[str, Category]) -> int:
    halls_spec = [
        (
            "green",
            "theme",
            "绿色节能产品馆",
            "Green products",
            {"green_only": True},
            "持有有效节能产品或环境标志产品认证的商品。",
            "Products holding a valid energy-saving or eco-label certificate.",
        ),
        (
            "sme",
            "theme",
            "中小企业产品馆",
            "SME goods",
            {"sme_only": True},
            "中小微企业供应的商品，落实政府采购支持中小企业政策。",
            "Goods from small, medium and micro enterprises, under the policy of reserving public "
            "purchases for them.",
        ),
        (
            "nmg-agri",
            "theme",
            "内蒙古农牧产品馆",
            "Inner Mongolia farm products",
            {"category_id": tree["A10"].id},
            "来自自治区脱贫地区和农牧区的优质农副产品。",
            "Farm and pastoral products from the region's formerly poor and rural areas.",
        ),
        (
            "it",
            "industry",
            "信息化设备馆",
            "IT equipment",
            {"category_id": tree["A0201"].id},
            "计算机、打印机、网络设备等信息化设备。",
            "Computers, printers, network equipment and other IT equipment.",
        ),
        (
            "furniture",
            "industry",
            "办公家具馆",
            "Office furniture",
            {"category_id": tree["A05"].id},
            "办公桌、办公椅、文件柜等办公家具。",
            "Office desks, chairs, filing cabinets and other office furniture.",
        ),
    ]
    made = 0
    for position, (slug, kind, zh, en, rule, description, description_en) in enumerate(halls_spec):
        if session.scalar(select(Hall.id).where(Hall.slug == slug)) is None:
            halls.create_hall(
                session,
                OPERATOR,
                {
                    "slug": slug,
                    "kind": kind,
                    "name_zh": zh,
                    "name_en": en,
                    "rule": rule,
                    "description_zh": description,
                    "description_en": description_en,
                    "position": position,
                },
            )
            made += 1
    return made
