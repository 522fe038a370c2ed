/*
 * Functions we never use: they overflow buffers or are not thread-safe.
 * Included by every file of librcm and the CLI (through util.h).
 */
#ifndef RCM_BANNED_H
#define RCM_BANNED_H

#define BANNED(f) sorry_##f##_is_banned_in_rcm

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
