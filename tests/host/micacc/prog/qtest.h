/* qtest.h - the program's own header, not Mica's (prog.c). */
#ifndef PROG_QTEST_H
#define PROG_QTEST_H
#define OWN_QTEST 1
#endif
