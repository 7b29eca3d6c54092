"""An image of an Axes' own pixels, copied to the canvas pixel for pixel: a live raster's spikes.

Imported when a live raster is drawn (it needs matplotlib).
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.image import AxesImage


class PixelLayer(Artist):
    """An RGBA array with one element per pixel of its Axes (row 0 at the bottom). While the
    Axes has that size it is copied to the canvas unscaled, and only the ``columns`` asked for
    (a live frame's new ones); otherwise (``savefig`` at another dpi, a resized window) it is
    drawn scaled, as an image."""

    def __init__(self, ax, pixels: np.ndarray, extent):
        super().__init__()
        self.pixels = pixels
        self.columns: tuple[int, int] | None = None  # (first, last) to draw; None: all
        self._scaled = AxesImage(ax, origin="lower", interpolation="nearest", extent=extent)
        self._scaled.set_transform(ax.transData)
        self._scaled.set_figure(ax.figure)
        self._scaled.set_clip_path(ax.patch)
        ax.add_artist(self)

    def fits(self) -> bool:
        box = self.axes.bbox
        return (int(box.height), int(box.width)) == self.pixels.shape[:2]

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        if not self.fits():
            self._scaled.set_data(self.pixels)
            self._scaled.draw(renderer)
            return
        first, last = self.columns or (0, self.pixels.shape[1] - 1)
        box = self.axes.bbox
        context = renderer.new_gc()
        context.set_clip_rectangle(box)
        part = np.ascontiguousarray(self.pixels[:, first : last + 1])  # rows from the bottom
        renderer.draw_image(context, int(box.x0) + first, int(box.y0), part)
        context.restore()
        self.stale = False
