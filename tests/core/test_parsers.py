"""What a therapist types: vitals lines, backdating times, scale values, phase names, the next
session. Examples for each accepted and refused form, and hypothesis for the promise that nothing
typed ever raises anything but InputError."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dateutil import tz
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.phases import PHASES, parse_phase
from kapsession.core.scales import SCALES, parse_scale_name, parse_scale_value
from kapsession.core.timeparse import format_duration, parse_entry_time
from kapsession.core.vitals import MEASURES, VitalsReading, parse_vitals, split_backdate

UTC = UTC
BERLIN = tz.gettz("Europe/Berlin")
NEW_YORK = tz.gettz("America/New_York")

# --- vitals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("128/84 76 98", {"systolic": 128, "diastolic": 84, "heart_rate": 76, "spo2": 98}),
        (
            "128/84 hr 76 spo2 98 rr 14",
            {"systolic": 128, "diastolic": 84, "heart_rate": 76, "spo2": 98, "resp_rate": 14},
        ),
        (
            "128/84 76 98 14 36.8",
            {"systolic": 128, "diastolic": 84, "heart_rate": 76, "spo2": 98, "resp_rate": 14, "temperature": 36.8},
        ),
        ("bp 128/84", {"systolic": 128, "diastolic": 84}),
        ("hr 76", {"heart_rate": 76}),
        ("HR76 SpO2:98 t=36.8", {"heart_rate": 76, "spo2": 98, "temperature": 36.8}),
        ("spo2 98 hr 76 128/84", {"systolic": 128, "diastolic": 84, "heart_rate": 76, "spo2": 98}),
        ("128/84, 76, 98%", {"systolic": 128, "diastolic": 84, "heart_rate": 76, "spo2": 98}),
        ("pulse 64 sats 95 resp 12 temp 37.2", {"heart_rate": 64, "spo2": 95, "resp_rate": 12, "temperature": 37.2}),
        ("  132/86   hr 80  ", {"systolic": 132, "diastolic": 86, "heart_rate": 80}),
        (
            "128/84 hr 76 98",
            {"systolic": 128, "diastolic": 84, "heart_rate": 76, "spo2": 98},
        ),  # a bare number takes the next free place
    ],
)
def test_accepted_vitals_lines(line: str, expected: dict) -> None:
    assert parse_vitals(line) == VitalsReading(**expected)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("300/20", "systolic 300 is out of range: accepted 50-260 mmHg"),
        ("120/80 0 98", "heart rate 0 is out of range: accepted 20-250 bpm"),
        ("120/80 hr 0", "heart rate 0 is out of range: accepted 20-250 bpm"),
        ("120/80 76 120", "SpO2 120 is out of range: accepted 50-100 %"),
        ("80/120", "diastolic 120 must be below systolic 80: accepted diastolic 20-160 mmHg, lower than the systolic"),
        ("120/120", "diastolic 120 must be below systolic 120"),
        ("120/80 rr 2", "respiratory rate 2 is out of range: accepted 4-60 /min"),
        ("t 45", "temperature 45.0 is out of range: accepted 30.0-43.0 °C"),
        ("hr 7.5", "heart rate '7.5' must be a whole number: accepted 20-250 bpm"),
        ("hr fast", "heart rate 'fast' is not a number: accepted 20-250 bpm"),
        ("128/84/60", "blood pressure '128/84/60' is not systolic/diastolic like 128/84"),
        ("hr 76 pulse 80", "heart rate is given twice"),
        ("128/84 76 98 14 36.8 1", "there is one number too many ('1')"),
        ("hr", "'hr' needs a value after it"),
        ("", "the vitals line is empty"),
        ("feeling fine", "'feeling' is not understood; accepted: '128/84 76 98'"),
    ],
)
def test_refused_vitals_lines_say_which_field_and_what_is_accepted(line: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_vitals(line)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_vitals_backdate_suffix() -> None:
    assert split_backdate("128/84 76 @10:42") == ("128/84 76", "10:42")
    assert split_backdate("128/84 76") == ("128/84 76", None)


def test_describe_is_what_a_therapist_writes() -> None:
    reading = parse_vitals("128/84 hr 76 spo2 98 rr 14 t 36.8")
    assert reading.describe() == "128/84 HR 76 SpO2 98% RR 14 T 36.8°C"
    assert parse_vitals(reading.describe()) == reading


# --- backdating times ------------------------------------------------------------------------

MORNING = datetime(2026, 3, 2, 9, 50, tzinfo=UTC)  # 10:50 in Berlin


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:42", datetime(2026, 3, 2, 9, 42, tzinfo=UTC)),
        ("10.42", datetime(2026, 3, 2, 9, 42, tzinfo=UTC)),
        ("10h42", datetime(2026, 3, 2, 9, 42, tzinfo=UTC)),
        ("10:42:30", datetime(2026, 3, 2, 9, 42, 30, tzinfo=UTC)),
        ("10.42am", datetime(2026, 3, 2, 9, 42, tzinfo=UTC)),
        ("9am", datetime(2026, 3, 2, 8, 0, tzinfo=UTC)),
        ("-5m", MORNING - timedelta(minutes=5)),
        ("-5", MORNING - timedelta(minutes=5)),
        ("- 12 min", MORNING - timedelta(minutes=12)),
        ("5 min ago", MORNING - timedelta(minutes=5)),
        ("5m ago", MORNING - timedelta(minutes=5)),
        ("20 minutes ago", MORNING - timedelta(minutes=20)),
        ("2026-03-02T09:30:00+00:00", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
        ("2026-03-02T09:30:00Z", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
        ("2026-03-02T10:30", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),  # no zone: local (Berlin)
        ("2026-03-02 10:30", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
    ],
)
def test_accepted_times(text: str, expected: datetime) -> None:
    result = parse_entry_time(text, MORNING, BERLIN)
    assert result == expected
    assert result.tzinfo is not None and result.utcoffset() == timedelta(0)


def test_evening_times_with_pm_and_24_hour_clock() -> None:
    evening = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)  # 23:00 in Berlin
    assert parse_entry_time("10.42pm", evening, BERLIN) == datetime(2026, 3, 2, 21, 42, tzinfo=UTC)
    assert parse_entry_time("22:05", evening, BERLIN) == datetime(2026, 3, 2, 21, 5, tzinfo=UTC)
    assert parse_entry_time("12:00pm", evening, BERLIN) == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


def test_a_clock_time_after_midnight_means_last_night() -> None:
    just_after_midnight = datetime(2026, 3, 2, 23, 10, tzinfo=UTC)  # 00:10 on 3 March in Berlin
    assert parse_entry_time("23:50", just_after_midnight, BERLIN) == datetime(2026, 3, 2, 22, 50, tzinfo=UTC)
    assert parse_entry_time("11.50pm", just_after_midnight, BERLIN) == datetime(2026, 3, 2, 22, 50, tzinfo=UTC)


def test_a_clock_time_across_the_spring_forward_night() -> None:
    # New York springs forward at 02:00 on 8 March 2026; it is now 03:10 EDT (07:10 UTC).
    now = datetime(2026, 3, 8, 7, 10, tzinfo=UTC)
    assert parse_entry_time("01:55", now, NEW_YORK) == datetime(2026, 3, 8, 6, 55, tzinfo=UTC)  # EST
    assert parse_entry_time("03:05", now, NEW_YORK) == datetime(2026, 3, 8, 7, 5, tzinfo=UTC)  # EDT
    assert now - parse_entry_time("01:55", now, NEW_YORK) == timedelta(minutes=15)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("11:30", "is in the future"),  # later today: never a backdate
        ("2026-03-02T10:00:00+00:00", "is in the future"),
        ("2026-03-02T11:51", "is in the future"),
        ("25:00", "is not a time of day"),
        ("10:75", "is not a time of day"),
        ("13pm", "with am/pm accepted 1-12"),
        ("10", "needs minutes, like 10:00"),
        ("-800m", "more than 12 hours back"),
        ("2026-02-30T10:00", "is not a valid ISO timestamp"),
        ("0001-01-01T00:00+01:00", "is not a valid ISO timestamp"),
        ("yesterday", "is not a time"),
        ("", "the time is empty"),
    ],
)
def test_refused_times(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_entry_time(text, MORNING, BERLIN)
    assert message in str(caught.value)


@given(minutes=st.integers(min_value=0, max_value=12 * 60), zone=st.sampled_from([UTC, BERLIN, NEW_YORK]))
def test_a_typed_clock_time_is_never_in_the_future_and_within_a_day(minutes: int, zone) -> None:
    now = MORNING + timedelta(hours=minutes % 24, minutes=minutes)
    moment = (now - timedelta(minutes=minutes)).astimezone(zone)
    result = parse_entry_time(f"{moment:%H:%M}", now, zone)
    assert result <= now
    assert now - result < timedelta(hours=12, minutes=1)
    assert result.astimezone(zone).strftime("%H:%M") == f"{moment:%H:%M}"


def test_format_duration() -> None:
    # One format: the hours always there, so "1:01" is never a minute in one place and an hour in another.
    assert format_duration(timedelta(minutes=3)) == "0:03:00"
    assert format_duration(timedelta(hours=1, minutes=2, seconds=3)) == "1:02:03"
    assert format_duration(-90) == "-0:01:30"
    assert format_duration(timedelta(minutes=61, seconds=59), seconds=False) == "1:01"
    assert format_duration(timedelta(minutes=3), seconds=False) == "0:03"


# --- scales and phases -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("moaas", "moaas"),
        ("MOAA/S", "moaas"),
        ("sedation", "moaas"),
        ("d", "dissociation"),
        ("nausea", "nausea"),
        (" Aldrete ", "aldrete"),
    ],
)
def test_scale_names(typed: str, name: str) -> None:
    assert parse_scale_name(typed) == name


def test_scale_values_and_ranges() -> None:
    assert parse_scale_value("moaas", "5") == 5
    assert parse_scale_value("dissociation", " 10 ") == 10
    with pytest.raises(InputError, match=r"MOAA/S 6 is out of range: accepted 0-5"):
        parse_scale_value("moaas", "6")
    with pytest.raises(InputError, match=r"Nausea '-1' is not a whole number: accepted 0-10"):
        parse_scale_value("nausea", "-1")
    with pytest.raises(InputError, match=r"'mood' is not a scale: accepted moaas, dissociation, nausea, aldrete"):
        parse_scale_name("mood")


@pytest.mark.parametrize(
    ("typed", "phase"),
    [
        ("peak", "peak"),
        ("Dose onset", "dose-onset"),
        ("dose_onset", "dose-onset"),
        ("Dose & onset", "dose-onset"),
        ("dose", "dose-onset"),
        ("4", "peak"),
        ("Integration talk", "integration"),
        ("cards", "intention"),
        ("INTAKE", "intake"),
    ],
)
def test_phase_names(typed: str, phase: str) -> None:
    assert parse_phase(typed) == phase


@pytest.mark.parametrize("typed", ["pek", "7", "0", "²", "next"])
def test_unknown_phases_list_the_accepted_ones(typed: str) -> None:
    with pytest.raises(InputError, match="accepted intake, intention, dose-onset, peak, recovery, integration"):
        parse_phase(typed)


# --- nothing typed raises anything but InputError --------------------------------------------

TEXT = st.text(max_size=60)
# Text that looks like what is typed into these fields, to reach the deeper branches.
VITALS_ALPHABET = st.sampled_from(
    list("0123456789/ .,:=%°-") + ["hr", "spo2", "rr", "t", "bp", "p", "sat", "temp", "c"]
)
TIME_ALPHABET = st.sampled_from(list("0123456789:.-+ TZhm") + ["am", "pm", "min", "ago", "2026-03-02"])
NEXT_ALPHABET = st.sampled_from(
    list("0123456789:-/ ")
    + ["in ", "days", "day", "week", "weeks", " at ", "am", "pm", "dec", "jan", "2026", "+0100", "UTC"]
)


def typed(alphabet: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(TEXT, st.lists(alphabet, max_size=12).map("".join))


@given(typed(VITALS_ALPHABET))
@example("300/20")
@example("١٢٠/٨٠")
@example("hr ²")
def test_parse_vitals_raises_only_input_error(text: str) -> None:
    try:
        reading = parse_vitals(text)
    except InputError as error:
        assert str(error) and "\n" not in str(error)
        return
    for field, value in reading.measures().items():
        assert MEASURES[field].low <= value <= MEASURES[field].high
    if reading.systolic is not None:
        assert reading.diastolic is not None and reading.diastolic < reading.systolic


@given(
    typed(TIME_ALPHABET),
    st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.sampled_from([UTC, BERLIN, NEW_YORK]),
)
@example("0001-01-01T00:00+01:00", MORNING, BERLIN)
@example("9999-12-31T23:59-23:59", MORNING, BERLIN)
def test_parse_entry_time_raises_only_input_error(text: str, now: datetime, zone) -> None:
    try:
        result = parse_entry_time(text, now, zone)
    except InputError:
        return
    assert result <= now
    assert result.utcoffset() == timedelta(0)


@given(st.sampled_from(sorted(SCALES)), TEXT)
@example("moaas", "²")
def test_parse_scale_value_raises_only_input_error(scale: str, text: str) -> None:
    try:
        value = parse_scale_value(scale, text)  # type: ignore[arg-type]
    except InputError:
        return
    assert SCALES[scale].low <= value <= SCALES[scale].high


@given(TEXT)
@example("²")
def test_parse_scale_name_and_phase_raise_only_input_error(text: str) -> None:
    for parse, accepted in ((parse_phase, PHASES), (parse_scale_name, tuple(SCALES))):
        try:
            result = parse(text)
        except InputError:
            continue
        assert result in accepted


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed(NEXT_ALPHABET))
@example("in 3 days at 99:99")
@example("10:00 +9999")
@example("in 999 weeks")
def test_set_next_session_raises_only_input_error(new_chart, text: str) -> None:
    chart = new_chart("sublingual-troche")
    try:
        event = commands.set_next_session(chart.state(), text, chart.now)
    except InputError:
        return
    assert chart.now < event.when <= chart.now + timedelta(days=401)


def test_set_next_session_examples(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    state = chart.state()
    assert commands.set_next_session(state, "in 3 days", chart.now).when == chart.now + timedelta(days=3)
    in_a_week = commands.set_next_session(state, "in 1 week at 10:00", chart.now).when
    assert in_a_week.date() == (chart.now + timedelta(days=7)).date()
    with pytest.raises(InputError, match="not in the future"):
        commands.set_next_session(state, "2020-01-01 10:00", chart.now)
    with pytest.raises(InputError, match="more than a year away"):
        commands.set_next_session(state, "in 60 weeks", chart.now)


# --- valid readings read back the same -------------------------------------------------------


@st.composite
def readings(draw: st.DrawFn) -> VitalsReading:
    values: dict = {}
    if draw(st.booleans()):
        systolic = draw(st.integers(51, 260))
        values["systolic"] = systolic
        values["diastolic"] = draw(st.integers(20, min(160, systolic - 1)))
    for field in ("heart_rate", "spo2", "resp_rate"):
        if draw(st.booleans()):
            measure = MEASURES[field]
            values[field] = draw(st.integers(int(measure.low), int(measure.high)))
    if draw(st.booleans()):
        values["temperature"] = draw(st.integers(300, 430)) / 10  # one decimal, as describe() writes it
    if not values:
        values["heart_rate"] = draw(st.integers(20, 250))
    return VitalsReading(**values)


@given(readings())
def test_a_described_reading_parses_back_to_itself(reading: VitalsReading) -> None:
    assert parse_vitals(reading.describe()) == reading


@given(readings())
def test_a_positional_line_parses_back_to_itself(reading: VitalsReading) -> None:
    parts = []
    if reading.systolic is not None:
        parts.append(f"{reading.systolic}/{reading.diastolic}")
    names = {"heart_rate": "hr", "spo2": "spo2", "resp_rate": "rr", "temperature": "t"}
    for field, name in names.items():
        value = getattr(reading, field)
        if value is not None:
            parts.append(f"{name} {value}")
    assert parse_vitals(" ".join(parts)) == reading


# --- modified Aldrete ------------------------------------------------------------------------


def test_aldrete_as_items_or_total() -> None:
    from kapsession.core.scales import parse_aldrete

    assert parse_aldrete("2 2 2 2 1") == 9
    assert parse_aldrete("22221") == 9
    assert parse_aldrete("2,2,2,2,2") == 10
    assert parse_aldrete("8") == 8
    with pytest.raises(InputError, match="activity 3 is out of range: each item is scored 0-2"):
        parse_aldrete("3 2 2 2 1")
    with pytest.raises(InputError, match="2 item scores given, 5 are needed"):
        parse_aldrete("2 2")
    with pytest.raises(InputError, match="out of range: accepted 0-10"):
        parse_aldrete("11")


@given(TEXT)
@example("²²²²²")
@example("٢ ٢ ٢ ٢ ٢")
def test_parse_aldrete_raises_only_input_error(text: str) -> None:
    from kapsession.core.scales import parse_aldrete

    try:
        value = parse_aldrete(text)
    except InputError:
        return
    assert 0 <= value <= 10
