"""The intermediate form: the target-independent statements every code printer reads.

Everything a user writes as text (equations, thresholds, resets, ``on_pre`` code, connection
conditions, initial values, ``run_regularly`` code) is parsed once into these frozen records.
State updaters (``axonal.integrate``) turn differential equations into ``Statement`` lists;
groups and synapses wrap statements into ``Kernel`` records; a target (``axonal.codegen``)
prints each kernel either as vectorised NumPy or as a loop body inside one Numba function.

Conventions shared by all producers and printers:

- An ``Expression`` is Python syntax over *names*; its text is canonical (``ast.unparse`` of
  the parsed input) so that equal expressions compare equal and hash alike.
- Names are resolved through the kernel's ``variables`` table: a name is an array element
  (per neuron / per synapse), a shared scalar, a constant passed in at run time, an index
  (``i``, ``j``, ``_idx``), or a temporary defined by an earlier statement of the same kernel.
  Constants are never baked into the source, so changing a parameter value does not change
  the generated code (and so does not force a recompile).
- Random numbers are the functions ``rand()`` (uniform on [0, 1)) and ``randn()`` (standard
  normal), one draw per element per evaluation. A stochastic differential ``xi`` becomes
  ``randn()`` scaled by ``dt**0.5`` in the state updater's output.
- Boolean operators are Python's ``and``, ``or``, ``not``; the NumPy printer turns them into
  element-wise operations.
- Units are gone by this stage: they were checked when the text was parsed. Every value is in
  SI base units, as the raw arrays hold them.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


@dataclass(frozen=True)
class Expression:
    """A side-effect-free expression in Python syntax, e.g. ``(v0 - v) / tau``."""

    code: str

    def __post_init__(self) -> None:
        # Normalise the text once so that spacing differences do not matter for caching; a
        # text seen before is not parsed again, and a canonical one keeps its tree.
        canonical = _CANONICAL.get(self.code)
        if canonical is None:
            tree = ast.parse(self.code.strip(), mode="eval")
            canonical = ast.unparse(tree)
            if canonical == self.code:
                self.__dict__["tree"] = tree.body
            if len(_CANONICAL) < _CANONICAL_SIZE:
                _CANONICAL[self.code] = _CANONICAL[canonical] = canonical
        object.__setattr__(self, "code", canonical)

    @classmethod
    def from_tree(cls, node: ast.expr) -> Expression:
        """The expression of a syntax tree built by a pass (a TreeRewriter's: never changed
        afterwards), keeping that tree; its text is not parsed again (``ast.unparse`` text is
        canonical)."""
        code = ast.unparse(node)
        if len(_CANONICAL) < _CANONICAL_SIZE:
            _CANONICAL.setdefault(code, code)
        expression = cls(code)
        expression.__dict__.setdefault("tree", node)
        return expression

    @cached_property
    def tree(self) -> ast.expr:
        return ast.parse(self.code, mode="eval").body

    @cached_property
    def names(self) -> frozenset[str]:
        """Identifiers read by the expression as values (names in call position excluded)."""
        called = {
            id(node.func)
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        return frozenset(
            node.id
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Name) and id(node) not in called
        )

    @cached_property
    def functions(self) -> frozenset[str]:
        """Names of the functions the expression calls."""
        return frozenset(
            node.func.id
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        )

    def __str__(self) -> str:
        return self.code


# Canonical text of each expression text met (strings only: trees are not shared, passes may
# change them in place). Bounded; past the bound, texts are parsed each time.
_CANONICAL: dict[str, str] = {}
_CANONICAL_SIZE = 50_000


class TreeRewriter(ast.NodeTransformer):
    """An ``ast.NodeTransformer`` that leaves the visited tree as it is: a node whose children
    change is copied, the rest is shared. Passes rewrite an Expression's own ``tree`` with it
    (no parse of the text again), so their ``visit_*`` methods build new nodes, never assign
    to a visited node's fields."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        fields, changed = {}, False
        for name, value in ast.iter_fields(node):
            if isinstance(value, list):
                new = []
                for item in value:
                    visited = self.visit(item) if isinstance(item, ast.AST) else item
                    if visited is None:
                        continue
                    new.extend(visited if isinstance(visited, list) else [visited])
                changed |= len(new) != len(value) or any(
                    a is not b for a, b in zip(new, value, strict=False)
                )
            elif isinstance(value, ast.AST):
                new = self.visit(value)
                changed |= new is not value
            else:
                new = value
            fields[name] = new
        if not changed:
            return node
        return ast.copy_location(type(node)(**fields), node)


ASSIGNMENT_OPERATORS = ("=", "+=", "-=", "*=", "/=")

# Calls that give another value on every evaluation (one draw per element): never invariant.
RANDOM_FUNCTIONS = ("rand", "randn")


def is_invariant_tree(node: ast.AST, is_invariant_name: Callable[[str], bool]) -> bool:
    """Whether ``node`` has one value for all elements of a kernel call: every name it reads
    is invariant (``is_invariant_name``) and it draws no random number."""
    called = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            if not isinstance(child.func, ast.Name) or child.func.id in RANDOM_FUNCTIONS:
                return False
            called.add(id(child.func))
    return all(
        is_invariant_name(child.id)
        for child in ast.walk(node)
        if isinstance(child, ast.Name) and id(child) not in called
    )


@dataclass(frozen=True)
class Statement:
    """``target op expr``, optionally only where ``condition`` holds.

    ``temporary`` marks a target that lives only inside the kernel (an intermediate of a
    Runge-Kutta step, say): it is not stored back to an array.
    ``condition`` expresses ``(unless refractory)``: the assignment happens only for elements
    where the condition is true (NumPy: ``where``; Numba: an ``if`` in the loop).
    """

    target: str
    op: str
    expr: Expression
    temporary: bool = False
    condition: Expression | None = None

    def __post_init__(self) -> None:
        if self.op not in ASSIGNMENT_OPERATORS:
            raise ValueError(
                f"unknown assignment operator {self.op!r} in statement for {self.target!r}"
            )

    def __str__(self) -> str:
        text = f"{self.target} {self.op} {self.expr}"
        return f"{text}  # where {self.condition}" if self.condition is not None else text


class VariableKind(enum.Enum):
    ARRAY = "array"  # one value per element of the owner (neuron or synapse), stored
    SHARED = "shared"  # one stored value for the whole owner
    CONSTANT = "constant"  # a value from the namespace, passed to the kernel at run time
    INDEX = "index"  # the element's own index (i in a group, the synapse index)
    CLOCK = "clock"  # t and dt of the owner's clock
    TEMPORARY = "temporary"  # defined by a statement of the kernel itself


@dataclass(frozen=True)
class VariableRef:
    """Where a name in a kernel takes its value from.

    ``array`` is the key of the storage array in the network's state (``'neurongroup.v'``).
    ``index`` names the index array that maps the kernel's loop index to an element of that
    array: ``None`` when they coincide, ``'synapses._post_idx'`` for ``v_post`` read in a
    synaptic kernel, and so on. ``dimensions`` is kept for display and error messages only.
    """

    name: str
    kind: VariableKind
    dtype: str = "float64"
    array: str | None = None
    index: str | None = None
    read_only: bool = False
    dimensions: object = None


class KernelRole(enum.Enum):
    STATE_UPDATE = "state_update"
    THRESHOLD = "threshold"  # evaluates ``condition`` per element, yields event indices
    RESET = "reset"  # runs over the event indices of its group
    SYNAPTIC_EVENT = "synaptic_event"  # runs over the synapses of arriving pre/post events
    SUMMED = "summed"  # (summed) variables: sum over synapses into targets
    RUN_REGULARLY = "run_regularly"
    INITIALISE = "initialise"  # G.v = 'rand()*...', S.w = 'j*0.2', run once from Python


@dataclass(frozen=True)
class Kernel:
    """One unit of work in a time step, for one owner, in the intermediate form.

    ``statements`` run for every element selected by the role (all elements, the elements that
    spiked, the synapses an event reaches). For THRESHOLD kernels ``condition`` is the boolean
    expression whose true elements are the events, and ``statements`` may be empty. ``owner`` is
    the name of the group, synapses or monitor the kernel belongs to; ``when`` and ``order``
    place it in the time step's schedule; ``event`` names the event a THRESHOLD kernel detects
    or a RESET kernel runs on ('spike' unless the group defines custom events).
    """

    name: str
    owner: str
    role: KernelRole
    statements: tuple[Statement, ...]
    variables: Mapping[str, VariableRef] = field(default_factory=dict)
    condition: Expression | None = None
    when: str = "groups"
    order: int = 0
    event: str = "spike"  # THRESHOLD: the event it detects; RESET: the event it runs on

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", MappingProxyType(dict(self.variables)))

    def __hash__(self) -> int:
        return hash((self.name, self.role, self.statements, self.condition))

    def describe(self) -> str:
        """The kernel as readable abstract code (for logs, errors and the run record)."""
        lines = [f"# {self.name} ({self.role.value})"]
        if self.condition is not None:
            lines.append(f"condition: {self.condition}")
        lines.extend(str(statement) for statement in self.statements)
        return "\n".join(lines)
