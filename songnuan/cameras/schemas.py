from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from songnuan.cameras.models import CandidateStatus, Label

# A 4×4 grey PNG, so the example can be sent as it is.
EXAMPLE_SNAPSHOT = ("iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAAAAACMmsGiAAAAEElEQVR42mNsYGBgYGJAIQAJ5ACI"
                    "uhfh0AAAAABJRU5ErkJggg==")

Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                              max_length=100)]
BoxIn = Annotated[list[Annotated[int, Field(ge=-100_000, le=100_000)]],
                  Field(min_length=4, max_length=4)]


class DetectionIn(Schema):
    event_id: Identifier = Field(description="The platform's own id of this event; sending "
                                             "it again returns the first answer.")
    camera: Identifier = Field(description="The camera's code in the register.")
    captured_at: datetime.datetime = Field(description="When the picture was taken (ISO 8601 "
                                                       "with an offset).")
    label: Label
    confidence: float = Field(ge=0, le=1)
    boxes: list[BoxIn] = Field(min_length=1, max_length=50,
                               description="Each person as [x, y, width, height] in pixels of "
                                           "the snapshot.")
    snapshot: str = Field(description="The picture, JPEG or PNG, base64-encoded.")

    model_config = {"json_schema_extra": {"examples": [{
        "event_id": "HIK-20261205-031502-0007", "camera": "SN-ZQ-003",
        "captured_at": "2026-12-05T03:15:02+08:00", "label": "lying", "confidence": 0.91,
        "boxes": [[0, 1, 3, 3]], "snapshot": EXAMPLE_SNAPSHOT,
    }]}}


class DetectionAck(Schema):
    detection_id: int
    event_id: str
    status: CandidateStatus
    received_at: datetime.datetime
