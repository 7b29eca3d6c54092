"""A diagram of a network: its groups (sized by their neuron counts) and synaptic pathways."""

from __future__ import annotations

import numpy as np

from axonal.plot.axes import axes_or_new

LAYOUTS = ("auto", "circle", "spring", "dot")


def _node_name(group) -> str:
    root = getattr(group, "storage_root", group)
    if root is not group:
        start = group.storage_offset
        return f"{root.name}[{start}:{start + group.N}]"
    return group.name


def network_graph(objects) -> tuple[dict[str, int], list[tuple[str, str, str, int]]]:
    """``(nodes, edges)``: each group's size by name, and each Synapses as
    ``(source, target, name, synapse count)``."""
    from axonal.groups.group import Group

    nodes: dict[str, int] = {}
    edges = []
    for obj in objects:
        if hasattr(obj, "source") and hasattr(obj, "target") and isinstance(obj, Group):
            for end in (obj.source, obj.target):
                nodes.setdefault(_node_name(end), len(end))
            edges.append((_node_name(obj.source), _node_name(obj.target), obj.name, len(obj)))
        elif isinstance(obj, Group) and getattr(obj, "add_to_magic_network", True):
            nodes.setdefault(_node_name(obj), len(obj))
    return nodes, edges


def network_dot(objects=None) -> str:
    """The network as Graphviz DOT text: a node per group (labelled with its name and size),
    an edge per Synapses (labelled with its name and synapse count). Render it with Graphviz
    (``dot -Tpdf``) or any DOT viewer; ``objects`` as for ``plot_network``.

    Example:

    >>> G = NeuronGroup(10, 'v : 1', name='G')
    >>> S = Synapses(G, G, name='S'); S.connect(p=0)
    >>> print(network_dot([G, S]).splitlines()[2])
      "G" [label="G\\nN=10"];
    """
    nodes, edges = network_graph(_objects(objects))
    lines = ["digraph network {", "  node [shape=circle];"]
    lines += [
        f'  {_quoted(name)} [label="{_escaped(name)}\\nN={size}"];' for name, size in nodes.items()
    ]
    lines += [
        f'  {_quoted(source)} -> {_quoted(target)} [label="{_escaped(name)}\\n{count} synapses"];'
        for source, target, name, count in edges
    ]
    return "\n".join([*lines, "}"]) + "\n"


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _quoted(text: str) -> str:
    return f'"{_escaped(text)}"'


def _objects(objects) -> list:
    if objects is None:
        from axonal.network.network import collect

        return list(collect())
    if hasattr(objects, "objects"):
        return list(objects.objects)
    return list(objects)


def _dot_positions(nodes: list[str], edges) -> dict[str, np.ndarray]:
    """Node centres from Graphviz's ``dot`` layout (``dot -Tplain``), scaled to about 1."""
    import shlex
    import shutil
    import subprocess

    program = shutil.which("dot")
    if program is None:
        raise ImportError(
            "plot_network(layout='dot') needs Graphviz's dot program on the PATH (e.g. apt "
            "install graphviz, conda install graphviz); layout='spring' or 'circle' do not"
        )
    text = network_dot_from(nodes, edges)
    plain = subprocess.run(
        [program, "-Tplain"], input=text, capture_output=True, text=True, check=True
    ).stdout
    placed = {}
    for line in plain.splitlines():
        parts = shlex.split(line)  # node NAME X Y ...; names with spaces come quoted
        if parts and parts[0] == "node":
            placed[parts[1]] = np.array([float(parts[2]), float(parts[3])])
    points = np.array([placed[name] for name in nodes])
    span = float(np.ptp(points, axis=0).max()) or 1.0
    return {name: (placed[name] - points.mean(axis=0)) / span * 2 for name in nodes}


def network_dot_from(nodes, edges) -> str:
    lines = ["digraph network {"]
    lines += [f"  {_quoted(name)};" for name in nodes]
    lines += [f"  {_quoted(source)} -> {_quoted(target)};" for source, target, _, _ in edges]
    return "\n".join([*lines, "}"]) + "\n"


def _positions(nodes: list[str], edges, layout: str) -> dict[str, np.ndarray]:
    if layout == "dot":
        return _dot_positions(nodes, edges)
    if layout == "auto":
        try:
            import networkx  # noqa: F401

            layout = "spring"
        except ImportError:
            layout = "circle"
    if layout == "spring":
        try:
            import networkx
        except ImportError:
            raise ImportError(
                "plot_network(layout='spring') needs networkx: pip install 'axonal[analysis]'"
            ) from None
        graph = networkx.DiGraph()
        graph.add_nodes_from(nodes)
        graph.add_edges_from((source, target) for source, target, _, _ in edges)
        placed = networkx.spring_layout(graph, seed=0)
        return {name: np.asarray(placed[name], dtype=float) for name in nodes}
    angles = np.pi / 2 - 2 * np.pi * np.arange(len(nodes)) / max(len(nodes), 1)
    radius = 0.0 if len(nodes) == 1 else 1.0
    points = radius * np.column_stack([np.cos(angles), np.sin(angles)])
    return dict(zip(nodes, points, strict=True))


def plot_network(objects=None, *, layout: str = "auto", ax=None, node_color="C0",
                 edge_color="0.3"):  # fmt: skip
    """A diagram of groups (circles whose area grows with the neuron count, labelled with name
    and size) and synaptic pathways (arrows labelled with the Synapses' name and synapse count;
    a loop for recurrent ones). Returns the Axes.

    ``objects``: a Network, a list of objects, or None for the objects of the calling script.
    ``layout``: 'spring' (networkx, when installed), 'circle' (no dependency), 'dot'
    (Graphviz's hierarchical layout; needs its ``dot`` program), or 'auto' (spring, else
    circle). ``network_dot`` gives the same diagram as DOT text.
    """
    from matplotlib.patches import Circle, FancyArrowPatch

    if layout not in LAYOUTS:
        raise ValueError(f"plot_network: layout must be one of {LAYOUTS}, not {layout!r}")
    nodes, edges = network_graph(_objects(objects))
    if not nodes:
        raise ValueError("plot_network: there are no groups to draw")
    positions = _positions(list(nodes), edges, layout)
    ax = axes_or_new(ax)
    largest = max(nodes.values())
    radii = {name: 0.08 + 0.12 * np.sqrt(size / largest) for name, size in nodes.items()}
    for name, size in nodes.items():
        centre = positions[name]
        ax.add_patch(Circle(centre, radii[name], color=node_color, alpha=0.8, zorder=2))
        ax.text(*centre, f"{name}\nN={size}", ha="center", va="center", fontsize=8, zorder=3)
    for number, (source, target, name, count) in enumerate(edges):
        start, end = positions[source], positions[target]
        text = f"{name}\n{count} synapses"
        if source == target:  # a recurrent pathway: a ring on top of the group
            loops = sum(1 for s, t, _, _ in edges[:number] if s == t == source)
            size = radii[source] * (0.55 + 0.25 * loops)
            centre = start + np.array([0.0, radii[source] + size * 0.8])
            arrow = Circle(centre, size, fill=False, color=edge_color, linewidth=1.2, zorder=1)
            where = centre + np.array([0.0, size])
        else:
            direction = (end - start) / max(np.linalg.norm(end - start), 1e-12)
            arrow = FancyArrowPatch(
                start + direction * radii[source], end - direction * radii[target],
                connectionstyle="arc3,rad=0.15", arrowstyle="-|>", mutation_scale=14,
                color=edge_color, shrinkA=0, shrinkB=0, zorder=1,
            )  # fmt: skip
            where = (start + end) / 2
        ax.add_patch(arrow)
        ax.text(*where, text, ha="center", va="bottom", fontsize=7, color=edge_color)
    points = np.array(list(positions.values()))
    margin = 0.5
    ax.set_xlim(points[:, 0].min() - margin, points[:, 0].max() + margin)
    ax.set_ylim(points[:, 1].min() - margin, points[:, 1].max() + margin)
    ax.set_aspect("equal")
    ax.set_axis_off()
    plural = {1: ""}
    ax.set_title(
        f"{len(nodes)} group{plural.get(len(nodes), 's')}, "
        f"{len(edges)} pathway{plural.get(len(edges), 's')}"
    )
    return ax
