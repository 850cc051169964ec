from __future__ import annotations

import pytest

from core.formatting import format_size


@pytest.mark.parametrize(("n", "text"), [
    (512, "512 bytes"), (1536, "1.5 KB"), (1024 * 1024, "1 MB"), (16 * 2**30, "16 GB"),
    (int(2.25 * 2**30), "2.2 GB"), (5 * 2**40, "5120 GB"),
])
def test_sizes_read_the_same_everywhere(n: int, text: str) -> None:
    assert format_size(n) == text


def test_times_read_the_same_everywhere_and_always_in_utc() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from core.formatting import format_day, format_moment, format_time

    when = datetime(2011, 3, 4, 8, 5, 40, tzinfo=UTC)
    assert format_time(when) == "2011-03-04 08:05 UTC"
    assert format_time(when, seconds=True, zone=False) == "2011-03-04 08:05:40"
    assert format_time(None) == "unknown"
    # A time that arrives in another zone is shown as UTC, not with its own clock reading.
    assert format_time(when.astimezone(timezone(timedelta(hours=2)))) == "2011-03-04 08:05 UTC"
    assert format_moment(when) == "4 Mar 2011 08:05 UTC"
    assert format_day(when) == "4 March 2011"
