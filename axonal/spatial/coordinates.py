"""Coordinates for morphologies built from lengths alone (``generate_coordinates``)."""

from __future__ import annotations

import numpy as np

from axonal.spatial.morphology import Morphology, Soma

__all__: list[str] = []  # internal: Morphology.generate_coordinates is the public way in

# Children of one parent fan out over this angle (degrees) around the parent's direction.
_FAN_DEGREES = 90.0


def _rotation(axis: np.ndarray, degrees: float) -> np.ndarray:
    """The matrix turning vectors by ``degrees`` around the unit vector ``axis``."""
    angle = np.radians(degrees)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k


def _perpendicular(direction: np.ndarray) -> np.ndarray:
    helper = np.array([0.0, 0.0, 1.0]) if abs(direction[2]) < 0.9 else np.array([1.0, 0, 0])
    normal = np.cross(direction, helper)
    return normal / np.linalg.norm(normal)


def _turned(direction: np.ndarray, degrees: float) -> np.ndarray:
    if degrees == 0:
        return direction
    return _rotation(_perpendicular(direction), degrees) @ direction


def _copy_tree(section: Morphology) -> Morphology:
    copy = section.copy_section()
    for name, child in section._children.items():
        known = [n for n, c in copy._children.items() if c is _copies.get(id(child))]
        if known:
            copy._children[name] = copy._children[known[0]]
            continue
        child_copy = _copy_tree(child)
        _copies[id(child)] = child_copy
        copy.add(name, child_copy)
    return copy


_copies: dict[int, Morphology] = {}


def with_coordinates(
    morphology: Morphology, section_randomness, compartment_randomness, overwrite: bool
) -> Morphology:
    """A copy of ``morphology`` with coordinates for its sections (see generate_coordinates)."""
    _copies.clear()
    copy = _copy_tree(morphology)
    _copies.clear()

    def place(section: Morphology, direction: np.ndarray) -> None:
        if section._points is None or overwrite:
            if isinstance(section, Soma):
                section._points = np.zeros((2, 3))
            else:
                turn = float(section_randomness) * np.random.randn() if section_randomness else 0
                direction = _turned(direction, turn)
                steps = []
                for length in section._lengths():
                    if compartment_randomness:
                        turn = float(compartment_randomness) * np.random.randn()
                        direction = _turned(direction, turn)
                    steps.append(direction * length)
                section._points = np.vstack([np.zeros(3), np.cumsum(steps, axis=0)])
        else:
            ends = section._points[-1] - section._points[0]
            if np.linalg.norm(ends) > 0:
                direction = ends / np.linalg.norm(ends)
        children = section.children
        for number, child in enumerate(children):
            fan = 0.0
            if len(children) > 1:
                fan = -_FAN_DEGREES / 2 + _FAN_DEGREES * number / (len(children) - 1)
            place(child, _turned(direction, fan))

    place(copy, np.array([1.0, 0.0, 0.0]))
    return copy
