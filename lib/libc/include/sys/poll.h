/* sys/poll.h - the same as <poll.h>, a name some programs include. */
#include <poll.h>
