#include "Clock.h"

namespace intrvio {

const Clock &Clock::system()
{
    static const SystemClock clock;
    return clock;
}

} // namespace intrvio
