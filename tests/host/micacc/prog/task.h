/* task.h - the program's own header, not Mica's (prog.c). */
#ifndef PROG_TASK_H
#define PROG_TASK_H
#define OWN_TASK 1
#endif
