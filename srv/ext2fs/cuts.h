/*
 * cuts.h - the page of cut counters (FileSystem.cuts, docs/fsserver.md):
 * one page of MICA_FS_CUTS counters that every client maps read-only.
 * Counter ino % MICA_FS_CUTS moves before the server cuts bytes of a file
 * of inode ino, so that a client that copied from its view of the file
 * while the counter stayed knows that it copied no byte the cut zeroed.
 */
#ifndef EXT2FS_CUTS_H
#define EXT2FS_CUTS_H

#include <stdint.h>

#include <mica/types.h>

/* The page, from the server's memory session, attached here: 0 or a Mica
 * error. */
int cuts_init(void);
/* Move the counter of inode ino; before the cut itself. */
void cuts_move(uint32_t ino);
/* The page's address in this server (mapped, for Dataspace.map). */
void *cuts_page(void);

#endif
