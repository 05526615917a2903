/* process.h - the program's own header, not Mica's (prog.c). */
#ifndef PROG_PROCESS_H
#define PROG_PROCESS_H
#define OWN_PROCESS 1
#endif
