"""TensorBoard reads our event files as its own (tests/cli/tensorboard_events.sh).

  check_tensorboard.py proto EVENT_PROTO
      every message, field and enum value of our event.proto has the number and type of
      TensorBoard's own descriptors (tensorboard.compat.proto).
  check_tensorboard.py run RUN_DIR HISTORY_FILE
      EventAccumulator on RUN_DIR/tensorboard holds one scalar per history column but epoch,
      each exactly once per epoch (step = epoch), equal to the history's value in float32,
      and the run's config.yaml as text.
"""

import json
import re
import sys
from pathlib import Path

import numpy as np


SCALAR_TYPES = {"double": "DOUBLE", "float": "FLOAT", "int64": "INT64", "int32": "INT32",
                "string": "STRING", "bytes": "BYTES", "bool": "BOOL"}


def check_proto(path):
    from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

    theirs = {"Event": event_pb2.Event.DESCRIPTOR, "SessionLog": event_pb2.SessionLog.DESCRIPTOR,
              "Summary": summary_pb2.Summary.DESCRIPTOR,
              "Value": summary_pb2.Summary.Value.DESCRIPTOR,
              "SummaryMetadata": summary_pb2.SummaryMetadata.DESCRIPTOR,
              "PluginData": summary_pb2.SummaryMetadata.PluginData.DESCRIPTOR,
              "TensorProto": tensor_pb2.TensorProto.DESCRIPTOR,
              "TensorShapeProto": tensor_shape_pb2.TensorShapeProto.DESCRIPTOR,
              "Dim": tensor_shape_pb2.TensorShapeProto.Dim.DESCRIPTOR}
    text = Path(path).read_text()
    checked = 0
    stack = []
    for line in text.splitlines():
        line = line.split("//")[0].strip()
        if m := re.match(r"(message|enum) (\w+) \{", line):
            stack.append((m.group(1), m.group(2)))
        elif line.startswith("oneof"):
            stack.append(("oneof", ""))
        elif line == "}":
            stack.pop()
        elif m := re.match(r"(repeated )?(\w+) (\w+) = (\d+);", line):
            message = [name for kind, name in stack if kind == "message"][-1]
            field = theirs[message].fields_by_name[m.group(3)]
            assert field.number == int(m.group(4)), (message, m.group(3), field.number)
            assert field.is_repeated == bool(m.group(1)), (message, m.group(3))
            kind = m.group(2)
            if kind in SCALAR_TYPES:
                assert field.type == getattr(field, "TYPE_" + SCALAR_TYPES[kind]), (message, kind)
            else:  # a message or an enum, by its name
                named = field.message_type or field.enum_type
                assert named is not None and named.name == kind, (message, m.group(3), kind)
            checked += 1
        elif m := re.match(r"(\w+) = (\d+);", line):
            kind, enum = stack[-1]
            assert kind == "enum", line
            values = (event_pb2.SessionLog.SessionStatus if enum == "SessionStatus"
                      else types_pb2.DataType)
            assert values.Value(m.group(1)) == int(m.group(2)), (enum, m.group(1))
            checked += 1
    assert checked >= 25, checked
    print(f"{checked} field and enum numbers match TensorBoard's")


def check_run(run, history_file):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run = Path(run)
    history = json.loads((run / history_file).read_text())
    acc = EventAccumulator(str(run / "tensorboard"))
    acc.Reload()
    columns = sorted(c for c in history if c != "epoch")
    assert sorted(acc.Tags()["scalars"]) == columns, (acc.Tags()["scalars"], columns)
    for column in columns:
        events = acc.Scalars(column)
        assert [e.step for e in events] == history["epoch"], (column, [e.step for e in events])
        values = [e.value for e in events]
        expected = [float(np.float32(v)) for v in history[column]]
        assert values == expected, (column, values, expected)
    text = acc.Tensors("config")
    assert len(text) == 1 and text[0].step == 0, text
    yaml = (run / "config.yaml").read_text()
    shown = text[0].tensor_proto.string_val[0].decode()
    assert shown == "".join("    " + line + "\n" for line in yaml.splitlines()), shown
    print(f"{run.name}: {len(columns)} scalars x {len(history['epoch'])} epochs equal the history")


if __name__ == "__main__":
    {"proto": check_proto, "run": check_run}[sys.argv[1]](*sys.argv[2:])
