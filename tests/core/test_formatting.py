from __future__ import annotations

import pytest

from core.formatting import format_size


@pytest.mark.parametrize(("n", "text"), [
    (512, "512 bytes"), (1536, "1.5 KB"), (1024 * 1024, "1 MB"), (16 * 2**30, "16 GB"),
    (int(2.25 * 2**30), "2.2 GB"), (5 * 2**40, "5120 GB"),
])
def test_sizes_read_the_same_everywhere(n: int, text: str) -> None:
    assert format_size(n) == text
