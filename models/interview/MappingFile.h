#pragma once

#include "models/interview/Mapping.h"
#include "models/interview/Template.h"

#include <QByteArray>
#include <QSet>

namespace intrvio {

// The mapping file of `intrvio mapping export|import` (ARCHITECTURE.md §4), version 1:
//   {"version": 1,
//    "templates": [<template, see TemplateJson>...],                  optional, default []
//    "mappings": [{"stage": "Phone screen", "template": "phone-screen"},
//                 {"job": "123", "stage": "First interview", "template": "...",
//                  "rules": {"pass": 70, "onPass": "Technical interview", "onFail": "reject"}}]}
// "job" may be a string or a number (Teamtailor ids are numeric); "rules.pass" is 0-100 and is
// required when onPass or onFail is given. Templates may also carry "expiryDays" (1-90, default 7).
// Unknown keys are errors, so a typo is never silently ignored.
namespace MappingFile {

constexpr int Version = 1;
constexpr qint64 MaxFileBytes = 4 * 1024 * 1024;

struct Contents
{
    QList<InterviewTemplate> templates;
    QList<StageMapping> mappings;
};

struct ParseResult
{
    Contents contents;
    QList<ValidationProblem> problems; // every problem found, in document order, each with its path
    bool ok() const { return problems.isEmpty(); }
};

// Parses and validates everything. `knownTemplateIds` are the templates already in the store that
// mappings may refer to besides the file's own. Pure.
ParseResult parse(const QByteArray &json, const QSet<QString> &knownTemplateIds = {});

// The documented shape, indented, templates and mappings in the given order. Pure.
QByteArray serialize(const QList<InterviewTemplate> &templates, const QList<StageMapping> &mappings);

} // namespace MappingFile

} // namespace intrvio
