/* memory.h - the program's own header, not Mica's (prog.c). */
#ifndef PROG_MEMORY_H
#define PROG_MEMORY_H
#define OWN_MEMORY 1
#endif
