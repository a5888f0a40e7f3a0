from addons.rate_limit import SenderLimiter


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_sender_is_refused_over_the_limit_and_allowed_again_after_the_window():
    clock = Clock()
    limiter = SenderLimiter(per_window=2, window=60, clock=clock)
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")
    clock.now = 61
    assert limiter.allow("a")


def test_zero_turns_the_limit_off():
    limiter = SenderLimiter(per_window=0)
    assert all(limiter.allow("a") for _ in range(1000))


def test_idle_senders_are_forgotten_when_the_table_grows(monkeypatch):
    from addons import rate_limit

    monkeypatch.setattr(rate_limit, "MAX_SENDERS", 10)
    clock = Clock()
    limiter = SenderLimiter(per_window=5, window=60, clock=clock)
    for number in range(11):
        limiter.allow(f"s{number}")
    clock.now = 120
    limiter.allow("new")
    assert set(limiter.sent) == {"new"}
