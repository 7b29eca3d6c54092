"""The loop tree (axonal/codegen/loop_tree.py): printed code runs as the tree says."""

from axonal.codegen.loop_tree import For, Function, If, Line, While, print_nodes, runs_on_threads


def _sum_of_odd_squares_below() -> Function:
    body = [
        Line("total = 0"),
        For("k", ("n",), [If("k % 2 == 1", [Line("total += k * k")])]),
        Line("k = 0"),
        While("k < 3", [Line("total += 1000"), Line("k += 1")]),
        Line("return total"),
    ]
    return Function("f", ["n"], body, "# (no decorator)")


def test_printed_nodes_are_indented_by_depth_and_run():
    lines = print_nodes([_sum_of_odd_squares_below()])
    assert lines[1] == "def f(n):" and lines[3] == "    for k in range(n):"
    assert lines[4] == "        if k % 2 == 1:" and lines[5] == "            total += k * k"
    scope: dict = {}
    exec("\n".join(lines), scope)
    assert scope["f"](10) == 1 + 9 + 25 + 49 + 81 + 3000


def test_threads_are_a_property_of_a_loop_at_any_depth():
    serial = [For("i", ("0", "n", "2"), [Line("x = i")])]
    nested = [If("n > 0", [For("j", ("n",), [Line("y = j")], parallel=True)])]
    assert not runs_on_threads(serial) and runs_on_threads(nested)
    assert print_nodes(nested)[1] == "    for j in prange(n):"
    assert print_nodes(serial) == ["for i in range(0, n, 2):", "    x = i"]
