/*
 * mica/error.h - the one set of error codes every kernel invocation and
 * every Mica server answers with.  0 is success; errors are small positive
 * numbers.  In a reply message a handler's result travels as the tag's
 * label: 0 or the negated error code.
 */
#ifndef MICA_ERROR_H
#define MICA_ERROR_H

enum mica_error {
	MICA_OK = 0,
	MICA_EINVAL = 1,     /* an argument is out of range or malformed */
	MICA_EBADCAP = 2,    /* the slot is out of range or empty */
	MICA_ETYPE = 3,      /* the capability names an object of another type */
	MICA_EPERM = 4,      /* the capability lacks a right the operation needs */
	MICA_ENOSYS = 5,     /* unknown protocol label or opcode */
	MICA_EMSG = 6,       /* malformed message tag or item */
	MICA_E2BIG = 7,      /* too many words or items for the UTCB */
	MICA_ENOBUF = 8,     /* the receiver declared no buffer for an item */
	MICA_ETIMEOUT = 9,   /* a send or receive phase timed out */
	MICA_ECANCELED = 10, /* the IPC was cancelled (ex_regs, deletion) */
	MICA_ENOMEM = 11,    /* a quota or the memory behind it is exhausted */
	MICA_EGONE = 12,     /* the partner or object is gone */
	MICA_EOVERFLOW = 13, /* a string is longer than the receive buffer */
	MICA_EFAULT = 14,    /* a user address is unmapped or not user memory */
	MICA_EEXIST = 15,    /* the slot or name is already in use */
	MICA_ENOENT = 16,    /* no such name or entry */
	MICA_EBUSY = 17,     /* the object is in a state that forbids this */
	MICA_EAGAIN = 18,    /* nothing ready yet: wait for the notification, then retry */
	MICA_ENODEV = 19,    /* no such device, or the device lacks the feature */
	MICA_EROFS = 20,     /* the device or object is read-only */
	MICA_EIO = 21,       /* the device reported an error */
	MICA_ERROR_COUNT
};

#endif
