"""A domain reads another domain's data through that domain's service functions, never its
tables (docs/architecture.md): no module of a domain package imports another domain's
``models``.

A domain is a top-level package of ``fundhouse`` with a ``models.py``; ``platform`` is shared
infrastructure that every domain may import. Modules outside the domains (the schema registry
``fundhouse.models``, the demo loader ``fundhouse.demo``) wire the domains together and are
not checked, nor are the tests. Nothing is exempt: a foreign key names another domain's table
by its name, without importing its model.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import fundhouse

SOURCE = Path(fundhouse.__file__).parent
SHARED = frozenset({"platform"})


def domains() -> frozenset[str]:
    return frozenset(
        path.parent.name
        for path in SOURCE.glob("*/models.py")
        if (path.parent / "__init__.py").exists() and path.parent.name not in SHARED
    )


def _imported(node: ast.Import | ast.ImportFrom, package: str) -> Iterator[str]:
    """Every module the statement may import: ``from a import b`` may import ``a.b``."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        parts = package.split(".")
        parent = ".".join(parts[: len(parts) - node.level + 1])
        base = f"{parent}.{base}" if base else parent
    yield base
    yield from (f"{base}.{alias.name}" for alias in node.names)


def foreign_model_imports(
    source: str, module: str, *, is_package: bool, known: frozenset[str]
) -> list[str]:
    """The import statements of ``module`` that reach another domain's ``models``."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "fundhouse" or parts[1] not in known:
        return []
    own = parts[1]
    package = module if is_package else ".".join(parts[:-1])
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for target in _imported(node, package):
            names = target.split(".")
            if (
                len(names) >= 3
                and names[0] == "fundhouse"
                and names[1] in known
                and names[1] != own
                and names[2] == "models"
            ):
                found.append(f"{module}:{node.lineno}: {ast.unparse(node)}")
                break
    return found


def _modules() -> Iterator[tuple[Path, str, bool]]:
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        yield path, ".".join(parts[:-1] if is_package else parts), is_package


def test_the_domains_are_found():
    assert {"funds", "identity", "ledger"} <= domains()
    assert "platform" not in domains()


def test_no_domain_imports_another_domains_models():
    known = domains()
    offending = [
        line
        for path, module, is_package in _modules()
        for line in foreign_model_imports(
            path.read_text(encoding="utf-8"), module, is_package=is_package, known=known
        )
    ]
    assert not offending, (
        "Read another domain's data through its service, not its models:\n" + "\n".join(offending)
    )


KNOWN = frozenset({"funds", "identity", "ledger"})


def offenders(source: str, module: str = "fundhouse.funds.accounts.capital_accounts") -> int:
    return len(foreign_model_imports(source, module, is_package=False, known=KNOWN))


def test_every_form_of_importing_another_domains_models_is_caught():
    assert offenders("from fundhouse.ledger.models import Posting") == 1
    assert offenders("from fundhouse.ledger import models") == 1
    assert offenders("from fundhouse.ledger import service, models as ledger_models") == 1
    assert offenders("import fundhouse.identity.models") == 1
    assert offenders("import fundhouse.identity.models as identity_models") == 1
    assert offenders("from ...ledger.models import Account") == 1
    assert offenders("from ... import identity") == 0
    assert offenders("from ...identity import models") == 1
    assert offenders("def f():\n    from fundhouse.ledger.models import Book\n") == 1
    assert offenders("from fundhouse.identity.models import User\n" * 2) == 2


def test_a_domains_own_models_services_and_the_platform_are_allowed():
    assert offenders("from fundhouse.funds.models import Fund") == 0
    assert offenders("from ..models import Fund") == 0
    assert offenders("from fundhouse.ledger import service as ledger") == 0
    assert offenders("from fundhouse.ledger.chart import AccountType, FundAccount") == 0
    assert offenders("from fundhouse.platform.jobs_models import Job") == 0
    assert offenders("from fundhouse.identity.service import UserContact") == 0


def test_modules_outside_the_domains_are_not_checked():
    registry = "from fundhouse.ledger import models as ledger_models"
    assert offenders(registry, "fundhouse.models") == 0
    assert offenders("from fundhouse.identity.models import User", "fundhouse.demo") == 0
    assert offenders("from fundhouse.ledger.models import Book", "fundhouse.platform.db") == 0
