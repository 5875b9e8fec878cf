"""A new city from nothing with the `linli` command: categories, the city node, its first admin."""

from sqlalchemy import select

from linli.accounts.models import Role, User
from linli.audit.models import AuditRecord
from linli.categories.models import Category
from linli.extensions import db
from linli.orgs.models import Org, OrgKind


def org(kind: str, code: str, name: str) -> list[str]:
    return ["orgs", "create", "--kind", kind, "--code", code, "--name", name]


def test_a_city_its_categories_and_its_first_admin(app):
    runner = app.test_cli_runner()

    seeded = runner.invoke(args=["categories", "seed"])
    city = runner.invoke(args=[*org("city", "nb", "宁波市"), "--name-en", "Ningbo"])
    district = runner.invoke(args=[*org("district", "nb-hs", "海曙区"), "--parent", "nb"])
    admin = runner.invoke(
        args=["accounts", "create", "--username", "nb-admin", "--role", "admin", "--org", "nb"],
        input="a-long-admin-passphrase\na-long-admin-passphrase\n",
    )

    assert (seeded.exit_code, city.exit_code, district.exit_code, admin.exit_code) == (0, 0, 0, 0)
    assert db.session.scalar(select(Category).where(Category.code == "elderly_care"))
    made = db.session.scalar(select(Org).where(Org.code == "nb-hs"))
    assert (made.kind, made.parent.code, made.path) == (
        OrgKind.DISTRICT,
        "nb",
        f"/{made.parent.id}/{made.id}/",
    )
    user = db.session.scalar(select(User).where(User.username == "nb-admin"))
    assert (user.role, user.org.code) == (Role.ADMIN, "nb")
    audited = db.session.scalars(
        select(AuditRecord.changes).where(AuditRecord.object_type == "org")
    ).all()
    assert [change["code"][1] for change in audited] == ["nb", "nb-hs"]


def test_the_tree_refuses_a_node_in_the_wrong_place(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["orgs", "create", "--kind", "city", "--code", "sz", "--name", "苏州市"])

    grid_under_city = runner.invoke(
        args=["orgs", "create", "--kind", "grid", "--code", "g", "--name", "网格", "--parent", "sz"]
    )
    twice = runner.invoke(args=["orgs", "create", "--kind", "city", "--code", "sz", "--name", "x"])
    orphan = runner.invoke(
        args=[
            "orgs",
            "create",
            "--kind",
            "street",
            "--code",
            "s",
            "--name",
            "街道",
            "--parent",
            "no",
        ]
    )

    assert grid_under_city.exit_code == 2
    assert "a grid must sit under a community" in grid_under_city.output
    assert twice.exit_code == 2 and "exists already" in twice.output
    assert orphan.exit_code == 2 and "no org with code 'no'" in orphan.output
    assert db.session.scalar(select(Org).where(Org.code == "g")) is None
