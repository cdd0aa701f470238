#pragma once

#include <QObject>

class QSocketNotifier;

namespace intrvio {

// Turns SIGTERM/SIGINT/SIGHUP into a Qt signal on the main thread (self-pipe trick), so the
// service can drain and exit cleanly.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace intrvio
