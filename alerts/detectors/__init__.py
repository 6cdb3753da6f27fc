"""Spike detectors over bucketed count series: the seasonal default and two baselines."""

from alerts.detectors.base import PRESETS, Detection, Detector, Preset, Sensitivity
from alerts.detectors.baselines import RatioDetector, RollingZScoreDetector
from alerts.detectors.seasonal import Assessment, SeasonalSpikeDetector

__all__ = [
    "PRESETS",
    "Assessment",
    "Detection",
    "Detector",
    "Preset",
    "RatioDetector",
    "RollingZScoreDetector",
    "SeasonalSpikeDetector",
    "Sensitivity",
]
