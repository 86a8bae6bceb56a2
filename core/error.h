/*
 * One table of lantian's error codes and what they mean.  Functions return 0
 * on success and a negative LT_E* code on failure, after recording a message
 * "<what>: <why>" with error_set().  The CLI prints it as
 * "lantian: <what>: <why>"; the TUI shows it on its message line.
 */
#ifndef LANTIAN_ERROR_H
#define LANTIAN_ERROR_H

#define LT_ERRORS(X)                                                    \
	X(LT_OK,         0,   "success")                                \
	X(LT_EINVAL,    -1,   "invalid input")                          \
	X(LT_EIO,       -2,   "input/output error")                     \
	X(LT_ENOTFOUND, -3,   "not found")                              \
	X(LT_EEXISTS,   -4,   "already exists")                         \
	X(LT_EPASS,     -5,   "wrong passphrase")                       \
	X(LT_ESIG,      -6,   "signature does not verify")              \
	X(LT_EDB,       -7,   "database error")                         \
	X(LT_EFORM,     -8,   "form error")                             \
	X(LT_EANSWER,   -9,   "answers do not satisfy the form")        \
	X(LT_ECRYPTO,   -10,  "cryptographic failure")                  \
	X(LT_ETOOBIG,   -11,  "too large")                              \
	X(LT_ECHAIN,    -12,  "chain broken")                           \
	X(LT_EBUSY,     -13,  "busy")                                   \
	X(LT_EGIT,      -14,  "git error")

enum lt_error {
#define LT_ERROR_ENUM(name, value, text) name = value,
	LT_ERRORS(LT_ERROR_ENUM)
#undef LT_ERROR_ENUM
};

/* Record the message for the failure about to be returned; returns code. */
int error_set(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The message of the last error_set() on this thread (never NULL). */
const char *error_msg(void);

/* The code of the last error_set() on this thread. */
int error_code(void);

/* The fixed text of a code, from the table. */
const char *error_str(int code);

/* Forget the last error. */
void error_clear(void);

#endif
