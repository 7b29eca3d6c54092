"""SpatialNeuron: one neuron with a morphology, a NeuronGroup whose elements are compartments.

The user's model gives the membrane current per unit area ``Im`` (linear in ``v``) and the
channels' own equations; point currents (``I : amp (point current)``) are added to ``Im``
divided by the compartment's area. Each step the channels' variables move first (the chosen
method, ``v`` held), then the cable solve (``axonal.spatial.cable``) moves ``v`` and sets the
capacitive current ``Ic``; thresholds follow, as in Brian 2. On the Numba target the solve is
one ``CompiledCall`` item of the fused loop.
"""

from __future__ import annotations

import dataclasses
import functools
import numbers

import numpy as np
import sympy

from axonal.groups.group import GroupError
from axonal.groups.neurongroup import NeuronGroup, Subgroup
from axonal.integrate.system import IntegrationError
from axonal.model.dependencies import subexpression_order, substitute_names
from axonal.model.equations import Equations
from axonal.model.errors import EquationError
from axonal.model.ir import Expression, KernelRole, Statement
from axonal.model.sympy_conversion import str_to_sympy, symbol, sympy_to_str
from axonal.network.base import RunContext, _default_name, schedule_key
from axonal.spatial.flat import FlatMorphology
from axonal.spatial.morphology import Morphology, MorphologyError, SubMorphology
from axonal.units import (
    DimensionMismatchError,
    amp,
    cm,
    farad,
    get_dimensions,
    meter,
    ohm,
    uF,
)

__all__ = ["SpatialNeuron"]

# Tried in this order when no method is given (Brian 2's choice for SpatialNeuron).
_AUTOMATIC_METHODS = ("exact", "exponential_euler", "rk2", "heun")

_CURRENT_DENSITY = get_dimensions(amp / meter**2)

# The variables every SpatialNeuron has besides the user's (Brian 2's names).
_MORPHOLOGY_EQUATIONS = """
v : volt
Ic : amp/meter**2
length : meter (constant)
distance : meter (constant)
area : meter**2 (constant)
volume : meter**3 (constant)
diameter : meter (constant)
r_length_1 : meter (constant)
r_length_2 : meter (constant)
x : meter (constant)
y : meter (constant)
z : meter (constant)
Cm : farad/meter**2 (constant)
Ri : ohm*meter (constant, shared)
gtot_step__private : siemens/meter**2
I0_step__private : amp/meter**2
time_constant = Cm/gtot__private : second
space_constant = sqrt(effective_diameter__private/(4*Ri*gtot__private)) : meter
effective_diameter__private = (4*area/(pi**2*(1/r_length_1 + 1/r_length_2)))**(1.0/3.0) : meter
"""
# space_constant is sqrt(d/(4 Ri gtot)) with d the diameter of the cylinder that has the
# compartment's area and axial resistance (a cylinder's own diameter; defined for a soma and
# for tapering sections too, as Brian 2 defines it).


class SpatialNeuronError(GroupError):
    """A SpatialNeuron cannot be built as given; the message names the neuron and the part."""


def _check_unit(value, unit, what: str, owner: str) -> None:
    if get_dimensions(value) is not get_dimensions(unit):
        raise DimensionMismatchError(
            f"{owner}: {what} must be in units of {unit!r} (e.g. {what}=1*{unit!r}), got {value!r}"
        )


def _linear_parts(equations: Equations, owner: str) -> tuple[str, str]:
    """``Im`` written as ``I0 - gtot*v``: the codes of gtot and of I0. A current that is not
    linear in v is linearised at the step's v (gtot = -dIm/dv), as Brian 2 does."""
    expanded: dict[str, Expression] = {}
    for name in subexpression_order(equations):
        equation = equations[name]
        if "constant over dt" not in equation.flags:
            expanded[name] = substitute_names(equation.expr, expanded)
    gtot, constant = _split_current(expanded["Im"].code)
    if gtot is None:
        raise SpatialNeuronError(
            f"{owner}: the membrane current Im cannot be differentiated with respect to v "
            f"(the cable solve needs dIm/dv); got Im = {expanded['Im'].code}"
        )
    return gtot, constant


@functools.lru_cache(maxsize=64)
def _split_current(code: str) -> tuple[str | None, str]:
    """Im's code as (gtot, I0) codes with Im = I0 - gtot*v, gtot = -dIm/dv (exact when Im is
    linear in v); (None, '') if SymPy cannot differentiate it. Kept: SymPy takes 1.5 s for HH
    channels, and a network may hold many neurons of one model."""
    current = str_to_sympy(code)
    v = symbol("v")
    slope = sympy.diff(current, v)
    if slope.atoms(sympy.Derivative):
        return None, ""
    gtot = sympy_to_str(sympy.simplify(-slope))
    constant = sympy_to_str(sympy.simplify(current - slope * v))
    gtot = "0*siemens/meter**2" if gtot == "0" else gtot
    constant = "0*amp/meter**2" if constant == "0" else constant
    return gtot, constant


def _model_equations(model, owner: str) -> tuple[Equations, Equations, list[str]]:
    """The user's equations, the full model and the names of the point currents."""
    try:
        user = model if isinstance(model, Equations) else Equations(model)
    except EquationError as error:
        raise error.with_owner(owner) from None
    if "Im" not in user or user["Im"].kind != "subexpression":
        raise SpatialNeuronError(
            f"{owner}: the model must define the membrane current per unit area as a "
            "subexpression, e.g. 'Im = gL*(EL - v) : amp/meter**2'"
        )
    if user["Im"].dimensions is not _CURRENT_DENSITY:
        raise SpatialNeuronError(
            f"{owner}: Im is a current per unit area (amp/meter**2), not {user['Im'].unit_text}"
        )
    reserved = set(Equations(_MORPHOLOGY_EQUATIONS)) | {"gtot__private", "I0__private"}
    for name in user:
        if name in reserved:
            raise SpatialNeuronError(
                f"{owner}: {name!r} is a variable every SpatialNeuron defines; the model "
                "cannot define it again"
            )
    point_currents = [name for name, eq in user.items() if "point current" in eq.flags]
    equations = []
    for name, equation in user.items():
        if name in point_currents:
            if equation.dimensions is not get_dimensions(amp):
                raise SpatialNeuronError(
                    f"{owner}: the point current {name} must be a current (amp), not "
                    f"{equation.unit_text}"
                )
            equation = dataclasses.replace(equation, flags=equation.flags - {"point current"})
        if name == "Im" and point_currents:
            total = " + ".join(point_currents)
            equation = dataclasses.replace(
                equation, expr=Expression(f"({equation.expr.code}) + ({total}) / area")
            )
        equations.append(equation)
    full = Equations(equations) + Equations(_MORPHOLOGY_EQUATIONS)
    gtot, constant = _linear_parts(full, owner)
    full = full + Equations(
        f"gtot__private = {gtot} : siemens/meter**2\nI0__private = {constant} : amp/meter**2"
    )
    return user, full, point_currents


class SpatialNeuron(NeuronGroup):
    """A neuron with a shape: ``morphology.total_compartments`` compartments coupled by the
    cable equation.

    :param morphology: a :class:`Morphology` (``Soma``, ``Cylinder``, ``Section`` trees).
    :param model: equations defining ``Im`` (amp/meter**2, linear in ``v``), the channels'
        variables, and point currents (``I : amp (point current)``).
    :param Cm: specific capacitance (default 0.9 uF/cm**2; a per-compartment variable).
    :param Ri: intracellular resistivity (default 150 ohm*cm; shared, fixed after the first
        run).
    :param threshold_location: the compartment where the threshold applies (an index or
        ``morpho.axon[50*um]``); everywhere if omitted.

    ``neuron.dend`` is the dendrite's subtree (a subgroup), ``neuron.main`` the root section's
    own compartments, ``neuron.v[morpho.dend[10*um:50*um]]`` the compartments of a range.

    Example:

    >>> morpho = Soma(30*um)
    >>> morpho.dend = Cylinder(diameter=1*um, length=100*um, n=5)
    >>> neuron = SpatialNeuron(morpho, 'Im = 1e-4*siemens/cm**2*(-70*mV - v) : amp/meter**2',
    ...                        method='exact')
    >>> neuron.v = -60*mV
    >>> run(1*ms)
    >>> bool(abs(neuron.dend.v[-1] - neuron.main.v[0]) < 0.1*mV)
    True
    """

    def __init__(
        self,
        morphology=None,
        model=None,
        threshold=None,
        refractory=False,
        reset=None,
        events=None,
        threshold_location=None,
        dt=None,
        clock=None,
        order=0,
        Cm=0.9 * uF / cm**2,  # noqa: N803 -- Brian 2's parameter names
        Ri=150 * ohm * cm,  # noqa: N803
        name=None,
        dtype=None,
        namespace=None,
        method=None,
        method_options=None,
    ):
        owner = name or _default_name("spatialneuron")
        if not isinstance(morphology, Morphology):
            raise SpatialNeuronError(
                f"{owner}: morphology must be a Morphology (Soma, Cylinder, Section, or "
                f"Morphology.from_file), not {morphology!r}"
            )
        _check_unit(Cm, farad / meter**2, "Cm", owner)
        _check_unit(Ri, ohm * meter, "Ri", owner)
        user, full, point_currents = _model_equations(model, owner)
        if threshold_location is not None:
            location = _compartment_index(threshold_location, morphology, owner)
            if threshold is None:
                raise SpatialNeuronError(f"{owner}: threshold_location needs a threshold")
            threshold = f"({threshold}) and (i == {location})"
        super().__init__(
            morphology.total_compartments,
            full,
            method=method,
            threshold=threshold,
            reset=reset,
            refractory=refractory,
            events=events,
            namespace=namespace,
            dtype=dtype,
            dt=dt,
            clock=clock,
            order=order,
            name=owner,
            method_options=method_options,
        )
        self.morphology = morphology
        self.user_equations = user
        self.point_currents = point_currents
        # cable.py compiles its solver with Numba: imported when a SpatialNeuron is made, so
        # that `from axonal import *` does not load Numba for a script on the NumPy target.
        from axonal.spatial.cable import cable_tree

        self._tree = cable_tree(morphology)
        sections = morphology.sections()
        for attribute in ("length", "distance", "area", "volume", "diameter"):
            raw = np.concatenate([np.asarray(getattr(s, attribute)) for s in sections])
            self.variables[attribute].values[:] = raw
        halves = [s._r_lengths() for s in sections]
        self.variables["r_length_1"].values[:] = np.concatenate([h[0] for h in halves])
        self.variables["r_length_2"].values[:] = np.concatenate([h[1] for h in halves])
        for axis, coordinate in enumerate("xyz"):
            points = [s._coordinate(axis, "mid") for s in sections]
            if all(p is not None for p in points):
                self.variables[coordinate].values[:] = np.concatenate(points)
        self.variables["Cm"].values[:] = np.asarray(Cm)
        self.variables["Ri"].values[:] = float(np.asarray(Ri))

    @property
    def flat_morphology(self) -> FlatMorphology:
        """The morphology as flat arrays in base units (Brian 2's ``FlatMorphology``), made
        on first use."""
        flat = self.__dict__.get("_flat_morphology")
        if flat is None:
            flat = FlatMorphology(self.morphology)
            object.__setattr__(self, "_flat_morphology", flat)
        return flat

    # -- sections ---------------------------------------------------------------------------
    def __getattr__(self, name: str):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return _section_subgroup(self, self.__dict__.get("morphology"), name, 0)

    def __getitem__(self, item):
        if isinstance(item, SubMorphology):
            indices = item.indices
            return SpatialSubgroup(self, int(indices[0]), int(indices[-1]) + 1, item.section)
        if isinstance(item, Morphology):
            start = item.start_index
            return SpatialSubgroup(self, start, start + item.total_compartments, item)
        if isinstance(item, slice) and any(
            get_dimensions(b) is get_dimensions(meter)
            for b in (item.start, item.stop)
            if b is not None
        ):
            return self[self.morphology[item]]
        return super().__getitem__(item)

    def storage_indices(self, item):
        if isinstance(item, SubMorphology):
            return item.indices
        if isinstance(item, Morphology):
            return np.arange(item.start_index, item.start_index + item.n)
        return super().storage_indices(item)

    # -- the method when none is given: Brian 2's list for SpatialNeuron ---------------------
    def _state_update_statements(self, namespace) -> list[Statement]:
        if self.method is not None:
            return super()._state_update_statements(namespace)
        failures = []
        for candidate in _AUTOMATIC_METHODS:
            self.method = candidate
            try:
                return super()._state_update_statements(namespace)
            except IntegrationError as error:
                failures.append(f"{candidate}: {error}")
            finally:
                self.method = None
        raise IntegrationError(
            f"{self.name}: no method integrates the model; " + "; ".join(failures)
        )

    # -- the cable solve in the schedule -----------------------------------------------------
    def build_kernels(self, context: RunContext):
        kernels = super().build_kernels(context)
        currents = (
            Statement("gtot_step__private", "=", Expression("gtot__private")),
            Statement("I0_step__private", "=", Expression("I0__private")),
        )
        kernel = self.make_kernel(
            "cable_currents", KernelRole.STATE_UPDATE, currents, context, when="groups"
        )
        position = next(
            (k + 1 for k, (kern, _) in enumerate(kernels) if kern.name.endswith(".state_update")),
            0,
        )
        kernels.insert(position, kernel)
        self._cable_kernel_name = kernel[0].name
        return kernels

    def _cable_arrays(self, context: RunContext) -> tuple[str, ...]:
        """Put the solve's arrays in the run's state; their keys, in the solver's order."""
        ri = float(self.variables["Ri"].values[0])
        if not ri > 0:
            raise SpatialNeuronError(f"{self.name}: Ri must be positive, not {ri} ohm*m")
        tree = self._tree
        nodes = len(tree.parent)
        extra = {
            f"{self.name}._cable_parent": tree.parent,
            f"{self.name}._cable_compartment": tree.compartment,
            f"{self.name}._cable_g_axial": tree.r_length / ri,
        }
        for key, value in extra.items():
            context.state[key] = value
        for key in ("_cable_diagonal", "_cable_rhs"):
            context.state.setdefault(f"{self.name}.{key}", np.zeros(nodes))
        names = ("area", "Cm", "gtot_step__private", "I0_step__private", "v", "Ic")
        for name in names:
            variable = self.variables[name]
            context.state[variable.key] = variable.values
        return (
            *list(extra),
            *(self.variables[name].key for name in names),
            f"{self.name}._cable_diagonal",
            f"{self.name}._cable_rhs",
        )

    def scheduled_items(self, context: RunContext):
        from axonal.codegen.schedule import CompiledCall
        from axonal.network.fused import recording_item
        from axonal.spatial.cable import BATCHED_SOLVER, SOLVER, SOLVER_VERSION

        items = []
        for key, item in super().scheduled_items(context):
            items.append((key, item))
            if item.kernel is not None and item.kernel.name == self._cable_kernel_name:
                call = CompiledCall(
                    self.name, SOLVER, self._cable_arrays(context), version=SOLVER_VERSION,
                    batched=BATCHED_SOLVER,
                )  # fmt: skip
                solve = recording_item(context, call, self.clock)
                items.append((schedule_key(self, "groups", self.order), solve))
        return items

    def summary(self) -> dict:
        return {**super().summary(), "compartments": self.N,
                "sections": self.morphology.total_sections}  # fmt: skip


def _compartment_index(location, morphology: Morphology, owner: str) -> int:
    if isinstance(location, SubMorphology):
        if location.n != 1:
            raise SpatialNeuronError(
                f"{owner}: threshold_location must be one compartment, got {location.n}"
            )
        return int(location.indices[0])
    if isinstance(location, numbers.Integral) and not isinstance(location, bool):
        if not 0 <= location < morphology.total_compartments:
            raise SpatialNeuronError(
                f"{owner}: threshold_location={location} is out of range (the morphology has "
                f"{morphology.total_compartments} compartments)"
            )
        return int(location)
    raise SpatialNeuronError(
        f"{owner}: threshold_location must be a compartment index or morpho.section[...], "
        f"not {location!r}"
    )


def _section_subgroup(group, section: Morphology | None, name: str, offset: int):
    """``neuron.dend`` (the subtree) or ``neuron.main`` (the section's own compartments)."""
    if section is None:
        raise AttributeError(name)
    if name == "main":
        start = section.start_index
        return SpatialSubgroup(group, start, start + section.n, section, whole=False)
    try:
        child = section[name]
    except MorphologyError:
        raise AttributeError(f"{group.name}: no variable, attribute or section {name!r}") from None
    start = child.start_index
    return SpatialSubgroup(group, start, start + child.total_compartments, child)


class SpatialSubgroup(Subgroup):
    """The compartments of a section (``neuron.dend``: with its subtree; ``.main``: alone)."""

    def __init__(self, parent, start: int, stop: int, section: Morphology, whole: bool = True):
        root = parent.parent if isinstance(parent, SpatialSubgroup) else parent
        super().__init__(root, start, stop)
        object.__setattr__(self, "section", section)

    def __getattr__(self, name: str):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return _section_subgroup(self.parent, self.__dict__.get("section"), name, 0)

    def __getitem__(self, item):
        if isinstance(item, SubMorphology | Morphology):
            return self.parent[item]
        if isinstance(item, int | slice) or get_dimensions(item) is get_dimensions(meter):
            return self.parent[self.section[item]]
        raise TypeError(f"{self!r}: index with compartments or distances, not {item!r}")
