/* opts.h - found only through the -I or -include that options.sh passes. */
#define OPTS_ANSWER 42
