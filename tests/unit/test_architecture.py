"""The shape the code keeps (README, Architecture): a pure domain, SQL only in flexpool/db, and imports that
point inwards: api → services → db and domain; notifications → db and domain; domain → nothing of ours."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQL_CALLS = {"fetch", "fetchrow", "fetchval", "execute", "executemany", "copy_records_to_table"}


def modules(*folders: str):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text())


def imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_sql_runs_only_in_flexpool_db():
    outside = [(name, node.lineno) for name, tree in modules("flexpool", "api", "notifications")
               if not name.startswith("flexpool/db/")
               for node in ast.walk(tree)
               if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS]
    assert outside == []


def test_imports_point_inwards():
    rules = {"flexpool/domain/": ("flexpool.db", "flexpool.services", "api", "notifications", "asyncpg", "litestar"),
             "flexpool/db/": ("flexpool.services", "api", "notifications", "litestar"),
             "flexpool/services/": ("api", "notifications", "litestar"),
             "notifications/": ("api", "flexpool.services", "litestar")}
    wrong = [(name, module) for name, tree in modules("flexpool", "api", "notifications")
             for prefix, forbidden in rules.items() if name.startswith(prefix)
             for module in imported(tree) if module.split(".")[0] in forbidden or module.startswith(forbidden)]
    assert wrong == []


def test_use_cases_hand_their_events_to_one_place():
    """Audit rows are written by flexpool.services.effects alone (and by the accept's single statement,
    flexpool/db/accepts.py, which writes the booking, its audit row and its notifications at once)."""
    writers = {name for name, tree in modules("flexpool", "api", "notifications")
               for node in ast.walk(tree)
               if isinstance(node, ast.Attribute) and node.attr == "record"
               and isinstance(node.value, ast.Name) and node.value.id == "audit_db"}
    assert writers == {"flexpool/services/effects.py"}
