/* version.h - the kernel's version, reported in the KIP and the banner. */
#ifndef KERN_VERSION_H
#define KERN_VERSION_H

#define MICA_VERSION_MAJOR 0
#define MICA_VERSION_MINOR 1
#define MICA_VERSION_STRING "0.1"

#endif
