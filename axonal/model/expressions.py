"""Parsing of model code: expressions and statements in the language's small Python subset."""

from __future__ import annotations

import ast

from axonal.model.errors import ExpressionError
from axonal.model.ir import Expression, Statement

__all__ = ["parse_expression", "parse_statements", "validate_expression_tree"]

_ARITHMETIC = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}
_COMPARISONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
_AUGMENTED = {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.Div: "/="}

# What to tell the user instead of a bare "not allowed", by the syntax they tried.
_REJECTED = {
    ast.Attribute: "attribute access (use plain names; a group's variables need no prefix)",
    ast.Subscript: "indexing with [] (use plain names)",
    ast.Lambda: "a lambda",
    ast.IfExp: "a conditional expression 'a if c else b' (use a comparison or clip())",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "a string",
    ast.Starred: "a starred argument",
    ast.NamedExpr: "an assignment expression ':='",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "a slice",
}
_BITWISE_HINT = {
    ast.BitAnd: "'&' (use 'and')",
    ast.BitOr: "'|' (use 'or')",
    ast.BitXor: "'^' (use '**' for powers)",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.MatMult: "'@'",
}
_IN_PLACE_SYMBOLS = {
    **_ARITHMETIC,
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
}


def _reject(what: str, owner: str | None, line: str) -> ExpressionError:
    return ExpressionError(
        f"{what} is not allowed here; model code may use numbers, names, arithmetic "
        "(+ - * / // % **), comparisons, and/or/not and calls of known functions.",
        owner,
        line,
    )


def validate_expression_tree(node: ast.AST, owner: str | None, line: str) -> None:
    """Raise ExpressionError unless ``node`` uses only the model language's expression syntax."""
    if isinstance(node, ast.Expression):
        validate_expression_tree(node.body, owner, line)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or type(node.value) in (int, float):
            return
        shown = "a string" if isinstance(node.value, (str, bytes)) else repr(node.value)
        raise _reject(f"The constant {shown}", owner, line)
    elif isinstance(node, ast.Name):
        return
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _ARITHMETIC:
            raise _reject(f"The operator {_BITWISE_HINT[type(node.op)]}", owner, line)
        validate_expression_tree(node.left, owner, line)
        validate_expression_tree(node.right, owner, line)
    elif isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Invert):
            raise _reject("The operator '~' (use 'not')", owner, line)
        validate_expression_tree(node.operand, owner, line)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            validate_expression_tree(value, owner, line)
    elif isinstance(node, ast.Compare):
        for operator in node.ops:
            if not isinstance(operator, _COMPARISONS):
                raise _reject("The comparisons 'is', 'is not', 'in' and 'not in'", owner, line)
        for operand in (node.left, *node.comparators):
            validate_expression_tree(operand, owner, line)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise _reject(f"Calling {ast.unparse(node.func)!r}", owner, line)
        if node.keywords:
            raise _reject(f"A keyword argument in the call of {node.func.id}()", owner, line)
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise _reject("A starred argument", owner, line)
            validate_expression_tree(argument, owner, line)
    else:
        description = _REJECTED.get(type(node), f"the construct {type(node).__name__}")
        fragment = ast.unparse(node) if isinstance(node, ast.expr) else ""
        shown = f"{description[0].upper()}{description[1:]}"
        if fragment:
            shown += f" ({fragment!r})"
        raise _reject(shown, owner, line)


def _join_lines(code: str) -> str:
    """One line of expression text: comments dropped, line breaks (and backslashes) as spaces."""
    pieces = []
    for raw_line in code.splitlines():
        text = raw_line.split("#", 1)[0].rstrip()
        if text.endswith("\\"):
            text = text[:-1]
        pieces.append(text.strip())
    return " ".join(piece for piece in pieces if piece)


def parse_expression(code: str, owner: str | None = None, line: str | None = None) -> Expression:
    """Parse ``code`` (one expression, possibly over several lines) into an Expression.

    Errors name ``owner`` and ``line`` (the text the user wrote; by default the expression).
    """
    if not isinstance(code, str):
        raise ExpressionError(
            f"Expected the expression as a string, got {type(code).__name__} {code!r}.", owner
        )
    text = _join_lines(code)
    shown = line if line is not None else text
    if not text:
        raise ExpressionError("The expression is empty.", owner, line if line is not None else code)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(
            f"{text!r} is not a valid expression ({error.msg}).", owner, shown
        ) from None
    validate_expression_tree(tree, owner, shown)
    return Expression(text)


def _dedent_lines(code: str) -> str:
    # Each statement stands alone, so indentation carries no meaning: drop it line by line.
    return "\n".join(line.strip() for line in code.splitlines())


def parse_statements(code: str, owner: str | None = None) -> tuple[Statement, ...]:
    """Parse model code of the form ``name op expression`` per line (op: = += -= *= /=)."""
    if not isinstance(code, str):
        raise ExpressionError(
            f"Expected the code as a string, got {type(code).__name__} {code!r}.", owner
        )
    source = _dedent_lines(code)
    try:
        module = ast.parse(source, mode="exec")
    except SyntaxError as error:
        line = error.text.strip() if error.text else source
        raise ExpressionError(
            f"This is not a valid statement ({error.msg}); expected 'name = expression' "
            "or 'name += expression' (also -=, *=, /=).",
            owner,
            line,
        ) from None
    return tuple(_statement(node, source, owner) for node in module.body)


def _statement(node: ast.stmt, source: str, owner: str | None) -> Statement:
    line = ast.get_source_segment(source, node) or ast.unparse(node)
    expected = "expected 'name = expression' or 'name += expression' (also -=, *=, /=)"
    if isinstance(node, ast.Assign):
        if len(node.targets) != 1:
            raise ExpressionError(
                f"Chained assignment is not allowed; {expected}, one per line.", owner, line
            )
        target, value, op = node.targets[0], node.value, "="
    elif isinstance(node, ast.AugAssign):
        if type(node.op) not in _AUGMENTED:
            symbol = _IN_PLACE_SYMBOLS.get(type(node.op), "?")
            raise ExpressionError(
                f"The in-place operator {symbol}= is not allowed; {expected}.",
                owner,
                line,
            )
        target, value, op = node.target, node.value, _AUGMENTED[type(node.op)]
    elif isinstance(node, ast.Expr):
        if isinstance(node.value, ast.Call):
            message = (
                "A function call on its own has no effect in model code; "
                f"assign its result instead ({expected})."
            )
        else:
            message = f"This is an expression, not a statement; {expected}."
        raise ExpressionError(message, owner, line)
    else:
        kind = {
            ast.Import: "An import",
            ast.ImportFrom: "An import",
            ast.AnnAssign: "An annotated assignment",
            ast.If: "An if block",
            ast.For: "A for loop",
            ast.While: "A while loop",
            ast.FunctionDef: "A function definition",
            ast.Delete: "del",
            ast.Pass: "pass",
        }.get(type(node), f"The statement {type(node).__name__}")
        raise ExpressionError(f"{kind} is not allowed in model code; {expected}.", owner, line)
    if not isinstance(target, ast.Name):
        raise ExpressionError(
            f"Only a plain variable name can be assigned, not {ast.unparse(target)!r}; {expected}.",
            owner,
            line,
        )
    validate_expression_tree(value, owner, line)
    return Statement(target.id, op, Expression(ast.unparse(value)))
