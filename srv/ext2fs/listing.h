/*
 * listing.h - directory listings through pipes (OpenFile.list,
 * docs/fsserver.md "Listings"): the server writes a directory's records
 * into a pipe's ring while its client reads them out, never waiting for
 * the client.
 */
#ifndef EXT2FS_LISTING_H
#define EXT2FS_LISTING_H

#include <stdint.h>

#include <mica/types.h>
#include <server/server.h>

#include "fs.h"

/* The irq every listing's write end wakes, labelled `label` (bound to
 * this thread): 0 or a Mica error. */
int listing_init(mica_word_t label);

/* A listing of dir (an open directory; the listing takes a reference of
 * its own) from position `from`: the read end of its pipe in *read_end,
 * granted away with req's reply.  What fits is written before the reply.
 * 0, a Mica error, or an errno value (ENFILE: MICA_FS_LISTINGS_MAX listings;
 * ENOSYS: no pipe server). */
int listing_start(struct srv_request *req, struct fs_file *dir, uint64_t from, mica_cap_t *read_end);

/* The irq came: a reader made room or went.  Every listing goes on where
 * it can; those whose reader went, or that are complete, end. */
void listing_woken(void);

/* End every listing (the server halts). */
void listing_end_all(void);

/* Listings kept now. */
unsigned listing_count(void);

#endif
