/* smk/export.h - symbol visibility. Only SMK_API symbols leave the library. */
#ifndef SMK_EXPORT_H
#define SMK_EXPORT_H

#if defined(_WIN32)
#define SMK_API __declspec(dllexport)
#elif defined(__GNUC__)
#define SMK_API __attribute__((visibility("default")))
#else
#define SMK_API
#endif

#endif
