"""ERROR_CODES is exactly the set of codes the engine can raise, and the docs list each one."""

import ast
from pathlib import Path

import pytest

import sessions_app.grouping as grouping
from sessions_app.grouping import ERROR_CODES, GroupingError

PACKAGE = Path(grouping.__file__).parent
DOCS = Path(__file__).resolve().parents[2] / "docs" / "grouping.md"


def call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def literals(node: ast.expr) -> set[str] | None:
    """The codes a literal or a choice between literals (``"a" if x else "b"``) can give."""
    if literal(node) is not None:
        return {literal(node)}
    if isinstance(node, ast.IfExp):
        body, orelse = literals(node.body), literals(node.orelse)
        if body is not None and orelse is not None:
            return body | orelse
    return None


def raised_codes() -> set[str]:
    """Every code the package's source can put into a GroupingError.

    Codes reach GroupingError three ways: a literal first argument (or a choice between two
    literals); ``id_list(value, code, ...)``
    (its second argument, passed on as a variable); and ``_check_number(value, name, ...)``,
    which raises ``f"invalid_{name}"``. Any other non-literal code fails the test, so a new way
    of passing codes has to be taught here before it can slip past ERROR_CODES.
    """
    codes: set[str] = set()
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = call_name(node)
            if name == "GroupingError":
                code = node.args[0]
                if literals(code) is not None:
                    codes |= literals(code)
                elif isinstance(code, ast.Name) and code.id == "code":
                    pass  # id_list's parameter: its callers' literals are collected below
                elif isinstance(code, ast.JoinedStr):
                    parts = [literal(v) for v in code.values]
                    assert parts[0] == "invalid_", f"{path.name}:{node.lineno}"
                    assert parts[1:] == [None], f"{path.name}:{node.lineno}"
                else:
                    pytest.fail(f"{path.name}:{node.lineno}: a code the test cannot read")
            elif name == "id_list" and len(node.args) >= 2:
                assert literal(node.args[1]) is not None, f"{path.name}:{node.lineno}"
                codes.add(literal(node.args[1]))
            elif name == "_check_number" and len(node.args) >= 2:
                assert literal(node.args[1]) is not None, f"{path.name}:{node.lineno}"
                codes.add(f"invalid_{literal(node.args[1])}")
    return codes


def test_error_codes_are_exactly_the_codes_the_package_raises():
    assert raised_codes() == ERROR_CODES


def test_error_codes_are_exported():
    assert "ERROR_CODES" in grouping.__all__
    assert isinstance(ERROR_CODES, frozenset)


def test_an_unknown_code_is_refused_at_construction():
    with pytest.raises(AssertionError, match="not_a_code"):
        GroupingError("not_a_code", "x")


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_code_is_documented(code):
    assert f"`{code}`" in DOCS.read_text()
