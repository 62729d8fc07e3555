"""Service-model loading and shape validation for the SageMaker emulator.

The validator walks botocore-form shapes (structure/list/map/string/integer/
float/boolean/timestamp) and reports every problem at once, in the style of the
real service's ValidationException:

    Value 'x' at 'inputDataConfig.1.member.targetAttributeName' failed to
    satisfy constraint: Member must have length greater than or equal to 1

Paths use camelCase member names, 1-based list indices followed by ".member".
Patterns are Java-style regexes without anchors; they are applied as FULL
matches. Unicode property classes (\\p{L} ...) need the third-party `regex`
module (Debian: python3-regex); without it a close approximation built on `re`
is used and a warning is printed once.

Standard library only, apart from the optional `regex` module.
"""

import datetime
import difflib
import json
import os
import sys

try:  # Debian package python3-regex
    import regex as _re_engine
    HAVE_REGEX = True
except ImportError:  # pragma: no cover - exercised only without python3-regex
    import re as _re_engine
    HAVE_REGEX = False

_WARNED = set()


def _warn_once(key, text):
    if key not in _WARNED:
        _WARNED.add(key)
        sys.stderr.write("sagemaker_emulator: warning: %s\n" % text)
        sys.stderr.flush()


# ---------------------------------------------------------------------------
# Model loading


def repo_root():
    """<repo>/spec/emulator/emu_model.py -> <repo>"""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def default_model_path():
    return os.path.join(repo_root(), "..", "shared", "aws-model", "sagemaker-automl.json")


def botocore_model_path():
    try:
        import botocore  # noqa: WPS433 (local import keeps the admin CLI light)
    except ImportError:
        return None
    base = os.path.join(os.path.dirname(botocore.__file__), "data", "sagemaker", "2017-07-24")
    for name in ("service-2.json", "service-2.json.gz"):
        path = os.path.join(base, name)
        if os.path.exists(path):
            return path
    return None


def _read_json(path):
    if path.endswith(".gz"):
        import gzip
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    with open(path, "r", encoding="utf-8") as fh:
        return json.load(fh)


def load_model(path=None):
    """Load the service model.

    With path=None use <repo>/../shared/aws-model/sagemaker-automl.json and fall
    back (with a warning on stderr) to botocore's installed SageMaker model.
    Returns (model_dict, path_used).
    """
    if path:
        return _read_json(path), path
    first = default_model_path()
    if os.path.exists(first):
        return _read_json(first), os.path.normpath(first)
    fallback = botocore_model_path()
    if fallback is None:
        raise RuntimeError("no service model: %s is missing and botocore is not installed" % first)
    sys.stderr.write(
        "sagemaker_emulator: warning: %s not found; using botocore's model %s\n"
        % (os.path.normpath(first), fallback)
    )
    sys.stderr.flush()
    return _read_json(fallback), fallback


# ---------------------------------------------------------------------------
# Patterns


def _approximate_for_re(pattern):
    """Rewrite \\p{..} classes for the stdlib `re` engine (approximation)."""
    repl = {
        r"\p{L}": "[^\\W\\d_]",        # letters
        r"\p{N}": "\\d\u00b2\u00b3\u00b9\u00bc-\u00be\u2150-\u218b",  # digits + some numerics
        r"\p{Z}": " \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000",
    }
    out = pattern
    for key, val in repl.items():
        if key in out:
            _warn_once("regex", "python3-regex is not installed; approximating \\p{..} classes")
            out = out.replace(key, val)
    return out


class PatternCache:
    def __init__(self):
        self._cache = {}

    def fullmatch(self, pattern, value):
        rx = self._cache.get(pattern)
        if rx is None:
            src = pattern if HAVE_REGEX else _approximate_for_re(pattern)
            # Java's \d \s \w are ASCII-only by default. The ASCII flag would
            # also narrow \p{..} classes, so it is used only without them.
            flags = 0 if "\\p" in pattern else _re_engine.ASCII
            rx = _re_engine.compile(src, flags)
            self._cache[pattern] = rx
        return rx.fullmatch(value) is not None


# ---------------------------------------------------------------------------
# Validation


def lc_first(name):
    return name[:1].lower() + name[1:] if name else name


def join_path(parent, name):
    seg = lc_first(name)
    return seg if not parent else parent + "." + seg


def elem_path(parent, index0):
    return "%s.%d.member" % (parent, index0 + 1) if parent else "%d.member" % (index0 + 1)


def render_value(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return repr(value)
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=False)
    except (TypeError, ValueError):
        return str(value)


def constraint_message(path, value, constraint):
    if value is None:
        head = "Value null"
    else:
        head = "Value '%s'" % render_value(value)
    return "%s at '%s' failed to satisfy constraint: %s" % (head, path, constraint)


def summary_message(messages):
    n = len(messages)
    return "%d validation error%s detected: %s" % (n, "" if n == 1 else "s", "; ".join(messages))


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def parse_timestamp(value):
    """Epoch seconds from a JSON number or an ISO-8601 string; None if invalid."""
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.datetime.fromisoformat(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=datetime.timezone.utc)
        return dt.timestamp()
    return None


class Validator:
    """Checks JSON values against the model's shapes.

    validate(shape_name, value) returns a list of messages (empty when valid).
    unknown_members=True rejects members a structure does not define.
    """

    def __init__(self, model, unknown_members=True):
        self.shapes = model["shapes"]
        self.unknown_members = unknown_members
        self.patterns = PatternCache()

    def validate(self, shape_name, value, path=""):
        errors = []
        self._walk(shape_name, value, path, errors, shape_name)
        return errors

    # -- internals --------------------------------------------------------
    def _walk(self, shape_name, value, path, errors, owner):
        shape = self.shapes[shape_name]
        kind = shape["type"]
        handler = getattr(self, "_check_" + kind, None)
        if handler is None:
            errors.append(constraint_message(path, value, "Member has unsupported model type %s" % kind))
            return
        handler(shape_name, shape, value, path, errors)

    def _type_error(self, path, value, what, errors):
        errors.append(constraint_message(path or "<root>", value, "Member must be %s" % what))

    def _check_structure(self, name, shape, value, path, errors):
        if not isinstance(value, dict):
            self._type_error(path, value, "a structure (JSON object)", errors)
            return
        members = shape.get("members", {})
        for key in value:
            if key not in members and self.unknown_members:
                hint = difflib.get_close_matches(key, list(members), n=1, cutoff=0.6)
                extra = " (did you mean '%s'?)" % hint[0] if hint else ""
                errors.append(constraint_message(
                    join_path(path, key), value[key],
                    "Member must be one of the members of %s: unknown member '%s'%s" % (name, key, extra)))
        required = shape.get("required", [])
        for mname, mref in members.items():
            mpath = join_path(path, mname)
            present = mname in value and value[mname] is not None
            if not present:
                if mname in required:
                    errors.append(constraint_message(mpath, None, "Member must not be null"))
                continue
            self._walk(mref["shape"], value[mname], mpath, errors, name)

    def _check_list(self, name, shape, value, path, errors):
        if not isinstance(value, list):
            self._type_error(path, value, "a list (JSON array)", errors)
            return
        self._check_size(shape, value, path, errors)
        target = shape["member"]["shape"]
        for i, item in enumerate(value):
            ipath = elem_path(path, i)
            if item is None:
                errors.append(constraint_message(ipath, None, "Member must not be null"))
                continue
            self._walk(target, item, ipath, errors, name)

    def _check_map(self, name, shape, value, path, errors):
        if not isinstance(value, dict):
            self._type_error(path, value, "a map (JSON object)", errors)
            return
        self._check_size(shape, value, path, errors)
        kshape = shape["key"]["shape"]
        vshape = shape["value"]["shape"]
        for key, item in value.items():
            self._walk(kshape, key, "%s.%s.key" % (path, key), errors, name)
            vpath = "%s.%s.value" % (path, key)
            if item is None:
                errors.append(constraint_message(vpath, None, "Member must not be null"))
                continue
            self._walk(vshape, item, vpath, errors, name)

    def _check_size(self, shape, value, path, errors):
        if "min" in shape and len(value) < shape["min"]:
            errors.append(constraint_message(
                path, value, "Member must have length greater than or equal to %d" % shape["min"]))
        if "max" in shape and len(value) > shape["max"]:
            errors.append(constraint_message(
                path, value, "Member must have length less than or equal to %d" % shape["max"]))

    def _check_string(self, name, shape, value, path, errors):
        if not isinstance(value, str):
            self._type_error(path, value, "a string", errors)
            return
        if "enum" in shape and value not in shape["enum"]:
            errors.append(constraint_message(
                path, value, "Member must satisfy enum value set: [%s]" % ", ".join(shape["enum"])))
            return
        # len() counts Unicode code points (the Smithy rule).
        self._check_size(shape, value, path, errors)
        pattern = shape.get("pattern")
        if pattern is not None and not self.patterns.fullmatch(pattern, value):
            errors.append(constraint_message(
                path, value, "Member must satisfy regular expression pattern: %s" % pattern))

    def _check_range(self, shape, value, path, errors):
        if "min" in shape and value < shape["min"]:
            errors.append(constraint_message(
                path, value, "Member must have value greater than or equal to %s" % _num(shape["min"])))
        if "max" in shape and value > shape["max"]:
            errors.append(constraint_message(
                path, value, "Member must have value less than or equal to %s" % _num(shape["max"])))

    def _check_integer(self, name, shape, value, path, errors):
        if not is_int(value):
            self._type_error(path, value, "an integer (JSON number without fraction or exponent)", errors)
            return
        # Smithy integers are 32-bit: the service cannot read a larger number.
        if not -2 ** 31 <= value < 2 ** 31:
            errors.append(constraint_message(
                path, value, "Member must be a 32-bit integer (between -2147483648 and 2147483647)"))
            return
        self._check_range(shape, value, path, errors)

    def _check_long(self, name, shape, value, path, errors):
        if not is_int(value):
            self._type_error(path, value, "an integer (JSON number without fraction or exponent)", errors)
            return
        self._check_range(shape, value, path, errors)

    def _check_float(self, name, shape, value, path, errors):
        if not is_number(value):
            self._type_error(path, value, "a number", errors)
            return
        self._check_range(shape, value, path, errors)

    _check_double = _check_float

    def _check_boolean(self, name, shape, value, path, errors):
        if not isinstance(value, bool):
            self._type_error(path, value, "a boolean", errors)

    def _check_timestamp(self, name, shape, value, path, errors):
        if parse_timestamp(value) is None:
            self._type_error(path, value, "a timestamp (epoch seconds)", errors)


def _num(v):
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def prune(model, shape_name, value):
    """Return a copy of value keeping only members the model defines (for
    responses, so a fallback/older model still gets conforming output)."""
    shape = model["shapes"].get(shape_name)
    if shape is None:
        return value
    kind = shape["type"]
    if kind == "structure" and isinstance(value, dict):
        out = {}
        members = shape.get("members", {})
        for key, item in value.items():
            if key in members and item is not None:
                out[key] = prune(model, members[key]["shape"], item)
        return out
    if kind == "list" and isinstance(value, list):
        return [prune(model, shape["member"]["shape"], v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: prune(model, shape["value"]["shape"], v) for k, v in value.items()}
    return value


def enum_values(model, shape_name, default=()):
    shape = model["shapes"].get(shape_name)
    if not shape:
        return list(default)
    return list(shape.get("enum", default))
