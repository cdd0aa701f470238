#pragma once

#include <QDateTime>

namespace intrvio {

// Everything time-dependent asks a Clock, so tests can pin or advance time.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;
    qint64 nowSecs() const { return now().toSecsSinceEpoch(); }
    qint64 nowMs() const { return now().toMSecsSinceEpoch(); }

    // The process-wide real clock.
    static const Clock &system();
};

class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};

// A clock that only moves when told to; for tests and the sandbox's deterministic mode.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(QDateTime start = QDateTime::fromSecsSinceEpoch(1718000000, Qt::UTC))
        : m_now(std::move(start))
    {
    }
    QDateTime now() const override { return m_now; }
    void set(const QDateTime &t) { m_now = t; }
    void advanceSecs(qint64 s) { m_now = m_now.addSecs(s); }
    void advanceMs(qint64 ms) { m_now = m_now.addMSecs(ms); }

private:
    QDateTime m_now;
};

} // namespace intrvio
