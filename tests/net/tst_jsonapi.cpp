// The pure JSON:API layer: golden files from teamtailor-protocol.md examples, Teamtailor's quirks,
// malformed input, and request bodies byte for byte.
#include "net/api/JsonApi.h"
#include "net/api/Requests.h"
#include "net/api/TeamtailorMapping.h"
#include "tests/support/TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QtTest>

using namespace intrvio;
using namespace intrvio::JsonApi;

namespace {

QJsonObject dumpResource(const Resource &r)
{
    QJsonObject rels;
    for (const Relationship &rel : r.relationships) {
        QJsonObject o;
        if (rel.hasData) {
            QJsonArray data;
            for (const Linkage &l : rel.data)
                data.append(
                    QJsonObject { { QStringLiteral("type"), l.type }, { QStringLiteral("id"), l.id } });
            o.insert(QStringLiteral("data"), data);
            o.insert(QStringLiteral("toMany"), rel.toMany);
        }
        if (!rel.self().isEmpty())
            o.insert(QStringLiteral("self"), rel.self());
        if (!rel.related().isEmpty())
            o.insert(QStringLiteral("related"), rel.related());
        rels.insert(rel.name, o);
    }
    QJsonObject out { { QStringLiteral("type"), r.type }, { QStringLiteral("id"), r.id },
        { QStringLiteral("attributes"), r.attributes } };
    if (!rels.isEmpty())
        out.insert(QStringLiteral("relationships"), rels);
    if (!r.self().isEmpty())
        out.insert(QStringLiteral("self"), r.self());
    return out;
}

QJsonObject dump(const Document &d)
{
    QJsonArray data, included, errors;
    for (const Resource &r : d.data)
        data.append(dumpResource(r));
    for (const Resource &r : d.included)
        included.append(dumpResource(r));
    for (const ErrorObject &e : d.errors)
        errors.append(
            QJsonObject { { QStringLiteral("status"), e.status }, { QStringLiteral("code"), e.code },
                { QStringLiteral("title"), e.title }, { QStringLiteral("detail"), e.detail },
                { QStringLiteral("pointer"), e.pointer }, { QStringLiteral("text"), e.text() } });
    QJsonObject links;
    for (auto it = d.links.constBegin(); it != d.links.constEnd(); ++it)
        links.insert(it.key(), it->toString(QUrl::FullyEncoded));
    return QJsonObject { { QStringLiteral("hasData"), d.hasData },
        { QStringLiteral("dataIsArray"), d.dataIsArray }, { QStringLiteral("data"), data },
        { QStringLiteral("included"), included }, { QStringLiteral("links"), links },
        { QStringLiteral("meta"), d.meta }, { QStringLiteral("errors"), errors },
        { QStringLiteral("pageCount"), d.pageCount().value_or(-1) },
        { QStringLiteral("recordCount"), d.recordCount().value_or(-1) },
        { QStringLiteral("next"), d.next().toString(QUrl::FullyEncoded) } };
}

// A golden dump as DecodeOptions::resourceLinks = false decodes it: no resource or
// relationship links, everything else the same.
QJsonObject withoutLinks(QJsonObject dumped)
{
    for (const QString &list : { QStringLiteral("data"), QStringLiteral("included") }) {
        QJsonArray resources = dumped.value(list).toArray();
        for (qsizetype i = 0; i < resources.size(); ++i) {
            QJsonObject r = resources.at(i).toObject();
            r.remove(QStringLiteral("self"));
            QJsonObject rels = r.value(QStringLiteral("relationships")).toObject();
            for (auto it = rels.begin(); it != rels.end(); ++it) {
                QJsonObject rel = it.value().toObject();
                rel.remove(QStringLiteral("self"));
                rel.remove(QStringLiteral("related"));
                it.value() = rel;
            }
            if (!rels.isEmpty())
                r.insert(QStringLiteral("relationships"), rels);
            resources[i] = r;
        }
        dumped.insert(list, resources);
    }
    return dumped;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

} // namespace

class tst_JsonApi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void golden_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QUrl>("requestUrl");
        const QUrl eu(QStringLiteral("https://api.teamtailor.com/v1/candidates?page%5Bsize%5D=10"));
        QTest::newRow("candidates page: numeric ids, snake_case, include")
            << QStringLiteral("candidates-page") << eu;
        QTest::newRow("partner activations list")
            << QStringLiteral("partner-activations")
            << QUrl(QStringLiteral("https://api.teamtailor.com/partner/v1/partner-activations"));
        QTest::newRow("partner result (Partner API)")
            << QStringLiteral("partner-result")
            << QUrl(QStringLiteral("https://api.teamtailor.com/partner/v1/partner-results"));
        QTest::newRow("partner result (public API)") << QStringLiteral("public-partner-result") << eu;
        QTest::newRow("notes list doc quirk, relative links") << QStringLiteral(
            "notes-list-doc-quirk") << QUrl(QStringLiteral("https://api.na.teamtailor.com/v1/notes"));
        QTest::newRow("stages with relative links") << QStringLiteral(
            "stages-relative-links") << QUrl(QStringLiteral("http://127.0.0.1:8080/v1/jobs/1426/stages"));
        QTest::newRow("422 errors") << QStringLiteral("errors-422") << eu;
        QTest::newRow("string errors") << QStringLiteral("errors-strings") << eu;
    }

    void golden()
    {
        QFETCH(QString, name);
        QFETCH(QUrl, requestUrl);
        const QByteArray input
            = readFile(test::dataPath(QStringLiteral("jsonapi/") + name + QStringLiteral(".json")));
        QVERIFY(!input.isEmpty());
        DecodeError err;
        const auto doc = decode(input, requestUrl, &err);
        QVERIFY2(doc, qPrintable(err.message));
        const QByteArray actual = QJsonDocument(dump(*doc)).toJson(QJsonDocument::Indented);
        const QString expectedPath
            = test::dataPath(QStringLiteral("jsonapi/") + name + QStringLiteral(".expected.json"));
        const QByteArray expected = readFile(expectedPath);
        if (expected.isEmpty() && qEnvironmentVariableIsSet("INTRVIO_UPDATE_GOLDEN")) {
            QFile f(expectedPath);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(actual);
            QSKIP("golden file written; review it and run again");
        }
        if (QJsonDocument::fromJson(expected) != QJsonDocument::fromJson(actual)) {
            const QString failPath = QDir::temp().filePath(name + QStringLiteral(".actual.json"));
            QFile f(failPath);
            if (f.open(QIODevice::WriteOnly))
                f.write(actual);
            QProcess diff;
            diff.start(QStringLiteral("diff"), { QStringLiteral("-u"), expectedPath, failPath });
            diff.waitForFinished();
            qWarning().noquote() << diff.readAllStandardOutput();
            QFAIL(qPrintable(
                QStringLiteral("decoded %1 differs from its golden file; actual in %2").arg(name, failPath)));
        }
    }

    // Without resource links (as the sync's list pages are decoded): the same document otherwise.
    void goldenWithoutResourceLinks_data() { golden_data(); }

    void goldenWithoutResourceLinks()
    {
        QFETCH(QString, name);
        QFETCH(QUrl, requestUrl);
        const QByteArray input
            = readFile(test::dataPath(QStringLiteral("jsonapi/") + name + QStringLiteral(".json")));
        const QByteArray expected
            = readFile(test::dataPath(QStringLiteral("jsonapi/") + name + QStringLiteral(".expected.json")));
        QVERIFY(!input.isEmpty());
        QVERIFY(!expected.isEmpty());
        DecodeError err;
        const auto doc
            = decode(input, requestUrl, &err, DecodeOptions { .resourceLinks = false, .attributes = {} });
        QVERIFY2(doc, qPrintable(err.message));
        // The notes doc wraps its resources ({"notes":[{"data":...}]}): they keep their links.
        const bool wrapped = name == QLatin1String("notes-list-doc-quirk");
        for (const auto *list : { &doc->data, &doc->included }) {
            for (const Resource &r : *list) {
                QCOMPARE(r.links.isEmpty(), !wrapped);
                for (const Relationship &rel : r.relationships)
                    QVERIFY(wrapped || rel.links.isEmpty());
            }
        }
        const QJsonObject golden = QJsonDocument::fromJson(expected).object();
        QCOMPARE(QJsonDocument(dump(*doc)).toJson(QJsonDocument::Indented),
            QJsonDocument(wrapped ? golden : withoutLinks(golden)).toJson(QJsonDocument::Indented));
    }

    // Leaving resource links out changes nothing else, and the body is validated all the same.
    void resourceLinksLeftOut_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>(
            "expected"); // decoded in full, it equals body without links; empty: malformed
        QTest::newRow("resources, relationships, included; other links kept")
            << QByteArray(
                   "{\"data\": [{\"id\": \"1\", \"type\": \"candidates\", \"links\": {\"self\": \"x\"},"
                   " \"attributes\": {\"links\": {\"a\": [1, 2.5e3, true, null]}},"
                   " \"relationships\": {\"job-applications\": {\"links\": {\"self\": \"y\"},"
                   " \"data\": [{\"type\": \"job-applications\", \"id\": 2}]}}}],"
                   "\n \"included\": [{\"links\": {\"self\": \"z\"}, \"id\": \"2\", \"type\": "
                   "\"job-applications\"}],"
                   " \"links\": {\"next\": \"n\"}, \"meta\": {\"links\": 1}}")
            << QByteArray("{\"data\":[{\"id\":\"1\",\"type\":\"candidates\","
                          "\"attributes\":{\"links\": {\"a\": [1, 2.5e3, true, null]}},"
                          "\"relationships\":{\"job-applications\":{\"data\":[{\"type\": "
                          "\"job-applications\", \"id\": 2}]}}}],"
                          "\"included\":[{\"id\":\"2\",\"type\":\"job-applications\"}],"
                          "\"links\":{\"next\": \"n\"},\"meta\":{\"links\": 1}}");
        QTest::newRow("links the only member")
            << QByteArray("{\"data\":{\"links\":{\"self\":\"x\"}}}") << QByteArray("{\"data\":{}}");
        QTest::newRow("links last") << QByteArray("{\"data\":{\"id\":\"1\",\"links\":{}}}")
                                    << QByteArray("{\"data\":{\"id\":\"1\"}}");
        QTest::newRow("escaped quotes and backslashes")
            << QByteArray("{\"data\":[{\"id\":\"a\\\"b\\\\\",\"links\":{\"self\":\"q\\\"}\\\\\"}}]}")
            << QByteArray("{\"data\":[{\"id\":\"a\\\"b\\\\\"}]}");
        QTest::newRow("null data") << QByteArray("{ \"data\" : null }") << QByteArray("{\"data\":null}");
        QTest::newRow("bad literal in links")
            << QByteArray("{\"data\":[{\"links\":{\"self\":tru}}]}") << QByteArray();
        QTest::newRow("mismatched brackets in links")
            << QByteArray("{\"data\":[{\"links\":{]}}]}") << QByteArray();
        QTest::newRow("unterminated string") << QByteArray("{\"data\":[{\"links\":\"x}]}") << QByteArray();
        QTest::newRow("invalid UTF-8 in links")
            << QByteArray("{\"data\":[{\"links\":{\"self\":\"\xff\"}}]}") << QByteArray();
        QTest::newRow("truncated") << QByteArray("{\"data\": [") << QByteArray();
        QTest::newRow("trailing garbage") << QByteArray("{\"data\":null} x") << QByteArray();
    }

    void resourceLinksLeftOut()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, expected);
        const QUrl url(QStringLiteral("https://api.teamtailor.com/v1/candidates"));
        DecodeError err;
        const auto doc = decode(body, url, &err, DecodeOptions { .resourceLinks = false, .attributes = {} });
        if (expected.isEmpty()) {
            QVERIFY(!doc);
            QVERIFY2(
                err.message.startsWith(QLatin1String("malformed JSON at offset ")), qPrintable(err.message));
            return;
        }
        QVERIFY2(doc, qPrintable(err.message));
        const auto full = decode(expected, url, &err);
        QVERIFY2(full, qPrintable(err.message));
        QCOMPARE(QJsonDocument(dump(*doc)).toJson(), QJsonDocument(dump(*full)).toJson());
    }

    // A decode restricted to some attributes equals the full decode on those attributes, and
    // leaves the others out, for every fixture.
    void restrictedAttributes_data() { golden_data(); }

    void restrictedAttributes()
    {
        QFETCH(QString, name);
        QFETCH(QUrl, requestUrl);
        const QByteArray input
            = readFile(test::dataPath(QStringLiteral("jsonapi/") + name + QStringLiteral(".json")));
        QVERIFY(!input.isEmpty());
        const auto full = decode(input, requestUrl);
        QVERIFY(full);
        static constexpr QLatin1StringView some[] = { QLatin1StringView("first-name"),
            QLatin1StringView("updated-at"), QLatin1StringView("assessment"), QLatin1StringView("note") };
        for (const DecodeOptions &options :
            { DecodeOptions { .resourceLinks = true, .attributes = some }, SyncPageDecode }) {
            const auto restricted = decode(input, requestUrl, nullptr, options);
            QVERIFY(restricted);
            // Everything but the attributes is decoded as in full (links aside, for the sync's pages).
            QJsonObject expected = options.resourceLinks ? dump(*full) : withoutLinks(dump(*full));
            for (const QString &list : { QStringLiteral("data"), QStringLiteral("included") }) {
                QJsonArray resources = expected.value(list).toArray();
                for (qsizetype i = 0; i < resources.size(); ++i) {
                    QJsonObject r = resources.at(i).toObject();
                    QJsonObject kept;
                    const QJsonObject attributes = r.value(QStringLiteral("attributes")).toObject();
                    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
                        if (std::find(options.attributes.begin(), options.attributes.end(), it.key())
                            != options.attributes.end())
                            kept.insert(it.key(), it.value());
                    }
                    r.insert(QStringLiteral("attributes"), kept);
                    resources[i] = r;
                }
                expected.insert(list, resources);
            }
            if (name == QLatin1String("notes-list-doc-quirk")) // wrapped resources keep their links
                expected = QJsonObject(); // compared below without the links rewrite
            QJsonObject actual = dump(*restricted);
            if (expected.isEmpty()) {
                QCOMPARE(restricted->data.size(), full->data.size());
                for (qsizetype i = 0; i < full->data.size(); ++i) {
                    for (const QLatin1StringView a : options.attributes)
                        QCOMPARE(restricted->data.at(i).attribute(a), full->data.at(i).attribute(a));
                    QCOMPARE(restricted->data.at(i).self(), full->data.at(i).self());
                }
                continue;
            }
            QCOMPARE(QJsonDocument(actual).toJson(), QJsonDocument(expected).toJson());
        }
    }

    // The sync maps its list pages decoded as SyncPageDecode does: the same values as from the
    // full document, so CandidateAndApplicationAttributes lists every attribute the mapping reads.
    void syncPageMapping()
    {
        const QUrl url(QStringLiteral("https://api.teamtailor.com/v1/candidates"));
        const QByteArray input = readFile(test::dataPath(QStringLiteral("jsonapi/candidates-page.json")));
        const auto full = decode(input, url);
        const auto page = decode(input, url, nullptr, SyncPageDecode);
        QVERIFY(full);
        QVERIFY(page);
        QCOMPARE(page->data.size(), full->data.size());
        QCOMPARE(page->included.size(), full->included.size());
        for (qsizetype i = 0; i < full->data.size(); ++i) {
            const tt::Candidate a = tt::toCandidate(full->data.at(i));
            const tt::Candidate b = tt::toCandidate(page->data.at(i));
            QCOMPARE(b.id, a.id);
            QCOMPARE(b.firstName, a.firstName);
            QCOMPARE(b.lastName, a.lastName);
            QCOMPARE(b.email, a.email);
            QCOMPARE(b.phone, a.phone);
            QCOMPARE(b.createdAt, a.createdAt);
            QCOMPARE(b.updatedAt, a.updatedAt);
            QCOMPARE(b.applicationIds, a.applicationIds);
            QVERIFY(!a.firstName.isEmpty());
        }
        for (qsizetype i = 0; i < full->included.size(); ++i) {
            const tt::JobApplication a = tt::toJobApplication(full->included.at(i));
            const tt::JobApplication b = tt::toJobApplication(page->included.at(i));
            QCOMPARE(b.id, a.id);
            QCOMPARE(b.candidateId, a.candidateId);
            QCOMPARE(b.jobId, a.jobId);
            QCOMPARE(b.stageId, a.stageId);
            QCOMPARE(b.rejectedAt, a.rejectedAt);
            QCOMPARE(b.changedStageAt, a.changedStageAt);
            QCOMPARE(b.createdAt, a.createdAt);
            QCOMPARE(b.updatedAt, a.updatedAt);
        }
        // An attribute the mapping does not read is not decoded.
        const auto moreAttributes = decode(
            QByteArray(
                "{\"data\":[{\"type\":\"candidates\",\"id\":\"1\",\"attributes\":{\"first_name\":\"A\","
                "\"pitch\":\"a long text\",\"tags\":[\"x\"]}}]}"),
            url, nullptr, SyncPageDecode);
        QVERIFY(moreAttributes);
        QCOMPARE(moreAttributes->data.constFirst().attributes,
            QJsonObject({ { QStringLiteral("first-name"), QStringLiteral("A") } }));
    }

    // Values as QJsonDocument reads them: integers, doubles, big numbers, escapes, non-ASCII.
    void values_data()
    {
        QTest::addColumn<QByteArray>("attributes");
        QTest::newRow("numbers") << QByteArray("{\"a\":1,\"b\":-2,\"c\":2.5,\"d\":1e3,\"e\":9007199254740993,"
                                               "\"f\":18446744073709551615,\"g\":-0.0}");
        QTest::newRow("beyond 64 bits") << QByteArray("{\"a\":123456789012345678901234567890}");
        QTest::newRow("literals and nesting")
            << QByteArray("{\"a\":true,\"b\":false,\"c\":null,\"d\":[1,[2,{\"x\":[]}]],\"e\":{}}");
        QTest::newRow("strings") << QByteArray(
            "{\"a\":\"\\u00e9t\\u00e9 \\\"q\\\" \\\\ \\n\",\"b\":\"Åsa Öberg\","
            "\"c\":\"\\ud83d\\ude00\",\"d\":\"\",\"k\\u00e9y\":1,\"nøkkel\":2}");
    }

    void values()
    {
        QFETCH(QByteArray, attributes);
        const QByteArray body = "{\"data\":{\"type\":\"t\",\"id\":\"1\",\"attributes\":" + attributes + "}}";
        DecodeError err;
        const auto doc = decode(body, QUrl(), &err);
        QVERIFY2(doc, qPrintable(err.message));
        const QJsonObject expected = QJsonDocument::fromJson(attributes).object();
        QVERIFY(!expected.isEmpty());
        QCOMPARE(doc->data.constFirst().attributes, expected);
        QCOMPARE(QJsonDocument(doc->data.constFirst().attributes).toJson(), QJsonDocument(expected).toJson());
    }

    // A member given twice counts once, the last time (as QJsonDocument reads it), with or
    // without links.
    void repeatedMembers()
    {
        const QByteArray body(
            "{\"data\":{\"type\":\"jobs\",\"id\":\"1\",\"type\":\"candidates\","
            "\"attributes\":{\"email\":\"a@example.com\"},\"attributes\":{\"email\":\"b@example.com\"},"
            "\"relationships\":{},\"relationships\":{\"job-applications\":{\"links\":{},"
            "\"data\":null,\"data\":[{\"type\":\"job-applications\",\"id\":\"7\"}],\"links\":{\"self\":\"/v1/"
            "x\"}}},"
            "\"links\":{},\"links\":{\"self\":\"/v1/candidates/1\"}},\"data\":{\"type\":\"jobs\"},"
            "\"data\":{\"type\":\"candidates\",\"id\":\"1\",\"type\":\"jobs\",\"type\":\"candidates\","
            "\"attributes\":{\"email\":\"a@example.com\"},\"attributes\":{\"email\":\"b@example.com\"},"
            "\"relationships\":{},\"relationships\":{\"job-applications\":{\"links\":{},"
            "\"data\":null,\"data\":[{\"type\":\"job-applications\",\"id\":\"7\"}],\"links\":{\"self\":\"/v1/"
            "x\"}}},"
            "\"links\":{},\"links\":{\"self\":\"/v1/candidates/1\"}}}");
        const QUrl url(QStringLiteral("https://api.teamtailor.com/v1/candidates/1"));
        for (const bool links : { true, false }) {
            DecodeError err;
            const auto doc
                = decode(body, url, &err, DecodeOptions { .resourceLinks = links, .attributes = {} });
            QVERIFY2(doc, qPrintable(err.message));
            const Resource &r = doc->data.constFirst();
            QCOMPARE(r.type, QStringLiteral("candidates"));
            QCOMPARE(r.string(QLatin1String("email")), QStringLiteral("b@example.com"));
            QVERIFY(!doc->dataIsArray);
            QCOMPARE(r.relationships.size(), 1);
            QCOMPARE(r.relationships.constFirst().data,
                QList<Linkage>({ { QStringLiteral("job-applications"), QStringLiteral("7") } }));
            QVERIFY(r.relationships.constFirst().toMany);
            QCOMPARE(r.relationships.constFirst().self(),
                links ? QStringLiteral("https://api.teamtailor.com/v1/x") : QString());
            QCOMPARE(
                r.self(), links ? QStringLiteral("https://api.teamtailor.com/v1/candidates/1") : QString());
        }
    }

    // Cut anywhere, a page is refused with the offset of the damage, never half-decoded.
    void truncatedAnywhere()
    {
        const QByteArray input
            = readFile(test::dataPath(QStringLiteral("jsonapi/candidates-page.json"))).trimmed();
        QVERIFY(!input.isEmpty());
        for (qsizetype n = 0; n < input.size(); ++n) {
            for (const DecodeOptions &options : { DecodeOptions(), SyncPageDecode }) {
                DecodeError err;
                const auto doc = decode(input.left(n), QUrl(), &err, options);
                QVERIFY2(!doc, qPrintable(QString::number(n)));
                QVERIFY2(err.message.startsWith(QLatin1String("malformed JSON at offset ")),
                    qPrintable(err.message));
            }
        }
        QVERIFY(decode(input, QUrl(), nullptr, SyncPageDecode));
    }

    // Bodies beyond the parser kept per thread (1 MiB) are decoded the same way.
    void largeBody()
    {
        QByteArray body("{\"data\":[");
        const int count = 6000;
        for (int i = 0; i < count; ++i) {
            if (i)
                body += ',';
            body += "{\"type\":\"candidates\",\"id\":" + QByteArray::number(i)
                + ",\"attributes\":{\"first_name\":\"Name " + QByteArray::number(i) + "\",\"pitch\":\""
                + QByteArray(150, 'x') + "\"}}";
        }
        body += "],\"meta\":{\"record-count\":" + QByteArray::number(count) + "}}";
        QVERIFY(body.size() > (1 << 20));
        for (int round = 0; round < 2; ++round) { // and the per-thread parser is still fine afterwards
            const auto doc = decode(body, QUrl(), nullptr, SyncPageDecode);
            QVERIFY(doc);
            QCOMPARE(doc->data.size(), count);
            QCOMPARE(doc->recordCount(), std::optional<int>(count));
            QCOMPARE(doc->data.last().id, QString::number(count - 1));
            QCOMPARE(doc->data.last().attributes,
                QJsonObject({ { QStringLiteral("first-name"), QStringLiteral("Name %1").arg(count - 1) } }));
            const auto small = decode(QByteArray("{\"data\":[]}"), QUrl());
            QVERIFY(small && small->data.isEmpty() && small->dataIsArray);
        }
    }

    // The QJsonObject overloads go through the same decoder.
    void fromObject()
    {
        const QByteArray input = readFile(test::dataPath(QStringLiteral("jsonapi/candidates-page.json")));
        const QUrl url(QStringLiteral("https://api.teamtailor.com/v1/candidates"));
        const auto fromBytes = decode(input, url);
        const auto fromObject = decode(QJsonDocument::fromJson(input).object(), url);
        QVERIFY(fromBytes);
        QVERIFY(fromObject);
        QCOMPARE(QJsonDocument(dump(*fromObject)).toJson(), QJsonDocument(dump(*fromBytes)).toJson());
        const QJsonObject first = QJsonDocument::fromJson(input)
                                      .object()
                                      .value(QStringLiteral("data"))
                                      .toArray()
                                      .at(0)
                                      .toObject();
        QCOMPARE(QJsonDocument(dumpResource(decodeResource(first, url))).toJson(),
            QJsonDocument(dumpResource(fromBytes->data.constFirst())).toJson());
    }

    void ids_data()
    {
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("string") << QJsonValue(QStringLiteral("1337")) << QStringLiteral("1337");
        QTest::newRow("integer") << QJsonValue(1337) << QStringLiteral("1337");
        QTest::newRow("large integer")
            << QJsonValue(double(9007199254740991LL)) << QStringLiteral("9007199254740991");
        QTest::newRow("uuid") << QJsonValue(QStringLiteral("1a6d5a41-f0dd-4226-9d3b-186392bea484"))
                              << QStringLiteral("1a6d5a41-f0dd-4226-9d3b-186392bea484");
        QTest::newRow("null") << QJsonValue(QJsonValue::Null) << QString();
        QTest::newRow("bool") << QJsonValue(true) << QString();
    }

    void ids()
    {
        QFETCH(QJsonValue, value);
        QFETCH(QString, expected);
        QCOMPARE(idString(value), expected);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("<html>502</html>") << QStringLiteral("malformed JSON");
        QTest::newRow("truncated") << QByteArray("{\"data\": [") << QStringLiteral("malformed JSON");
        QTest::newRow("array top") << QByteArray("[]") << QStringLiteral("must be an object");
        QTest::newRow("no members") << QByteArray("{\"foo\": 1}")
                                    << QStringLiteral("none of data, errors or meta");
        QTest::newRow("data scalar") << QByteArray("{\"data\": 5}") << QStringLiteral("neither an object");
        QTest::newRow("data array of scalars")
            << QByteArray("{\"data\": [1]}") << QStringLiteral("non-object");
    }

    void malformed()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        DecodeError err;
        QVERIFY(!decode(body, QUrl(), &err));
        QVERIFY2(err.message.contains(message), qPrintable(err.message));
        // Decoded as a sync page: the same error, word for word.
        DecodeError syncErr;
        QVERIFY(!decode(body, QUrl(), &syncErr, SyncPageDecode));
        QCOMPARE(syncErr.message, err.message);
    }

    void nullDataIsAnEmptySingle()
    {
        const auto doc = decode(QByteArray("{\"data\": null}"), QUrl());
        QVERIFY(doc);
        QVERIFY(doc->hasData);
        QVERIFY(!doc->dataIsArray);
        QVERIFY(doc->data.isEmpty());
    }

    // Request bodies, byte for byte (compact JSON, keys sorted by QJsonObject).
    void bodies_data()
    {
        QTest::addColumn<QByteArray>("actual");
        QTest::addColumn<QByteArray>("expected");
        // §7.5: relationship update of the stage.
        QTest::newRow("move stage")
            << MoveStageRequest::body(QStringLiteral("1337"), QStringLiteral("22508"))
            << QByteArray("{\"data\":{\"id\":\"1337\",\"relationships\":{\"stage\":{\"data\":{\"id\":"
                          "\"22508\",\"type\":\"stages\"}}},\"type\":\"job-applications\"}}");
        // §7.7: typed linkage with string ids (the doc's untyped numeric form is not sent).
        QTest::newRow("note with user")
            << CreateNoteRequest::body(
                   QStringLiteral("4"), QStringLiteral("new note for candidate"), QStringLiteral("2"))
            << QByteArray("{\"data\":{\"attributes\":{\"note\":\"new note for "
                          "candidate\"},\"relationships\":{\"candidate\":{\"data\":{\"id\":\"4\",\"type\":"
                          "\"candidates\"}},\"user\":{\"data\":{\"id\":\"2\",\"type\":\"users\"}}},\"type\":"
                          "\"notes\"}}");
        QTest::newRow("note without user")
            << CreateNoteRequest::body(QStringLiteral("4"), QStringLiteral("hi"), QString())
            << QByteArray("{\"data\":{\"attributes\":{\"note\":\"hi\"},\"relationships\":{\"candidate\":{"
                          "\"data\":{\"id\":\"4\",\"type\":\"candidates\"}}},\"type\":\"notes\"}}");
        tt::PartnerResultInput in;
        in.status = QStringLiteral("completed");
        in.candidateId = 102;
        in.jobId = 444;
        in.score = 82;
        in.grade = QStringLiteral("top_fit");
        in.durationSecs = 1934;
        in.summary = QStringLiteral("High five");
        in.attachments = QJsonArray { QJsonObject {
            { QStringLiteral("url"), QStringLiteral("https://google.com/robots.txt") },
            { QStringLiteral("description"), QStringLiteral("Test results") } } };
        // §5.2 create: candidate-id numeric and present.
        QTest::newRow("partner result create")
            << encodeResource(QStringLiteral("partner-results"), {}, in.attributes(true))
            << QByteArray("{\"data\":{\"attributes\":{\"assessment\":{\"duration\":1934,\"grade\":\"top_"
                          "fit\",\"score\":82},\"attachments\":[{\"description\":\"Test "
                          "results\",\"url\":\"https://google.com/"
                          "robots.txt\"}],\"candidate-id\":102,\"job-id\":444,\"status\":\"completed\","
                          "\"summary\":\"High five\"},\"type\":\"partner-results\"}}");
        // §5.1 update: candidate-id is immutable and never sent.
        tt::PartnerResultInput upd;
        upd.status = QStringLiteral("sent");
        upd.candidateId = 102;
        upd.grade = QString(); // clears the grade (null)
        QTest::newRow("partner result update")
            << encodeResource(QStringLiteral("partner-results"),
                   QStringLiteral("3230d614-a33b-4a25-ac9c-4ec107e60f2e"), upd.attributes(false))
            << QByteArray("{\"data\":{\"attributes\":{\"assessment\":{\"grade\":null},\"status\":\"sent\"},"
                          "\"id\":\"3230d614-a33b-4a25-ac9c-4ec107e60f2e\",\"type\":\"partner-results\"}}");
    }

    void bodies()
    {
        QFETCH(QByteArray, actual);
        QFETCH(QByteArray, expected);
        QCOMPARE(actual, expected);
    }

    void mapping()
    {
        const auto doc = decode(readFile(test::dataPath(QStringLiteral("jsonapi/candidates-page.json"))),
            QUrl(QStringLiteral("https://api.teamtailor.com/v1/candidates")));
        QVERIFY(doc);
        const tt::Candidate snake = tt::toCandidate(doc->data.at(1));
        QCOMPARE(snake.id, QStringLiteral("1338"));
        QCOMPARE(snake.firstName, QStringLiteral("Ada"));
        QCOMPARE(snake.updatedAt, QStringLiteral("2017-02-02T09:00:00.000+01:00"));
        QCOMPARE(snake.applicationIds, QStringList { QStringLiteral("9002") });
        QVERIFY(snake.phone.isEmpty());
        const tt::JobApplication a = tt::toJobApplication(doc->included.at(0));
        QCOMPARE(a.candidateId, QStringLiteral("1337"));
        QCOMPARE(a.jobId, QStringLiteral("12345"));
        QCOMPARE(a.stageId, QStringLiteral("22508"));
        const tt::JobApplication b = tt::toJobApplication(doc->included.at(1), QStringLiteral("1338"));
        QCOMPARE(b.candidateId, QStringLiteral("1338"));
        QCOMPARE(b.jobId, QStringLiteral("12345"));
        QVERIFY(b.stageId.isEmpty());
        QCOMPARE(b.rejectedAt, QStringLiteral("2017-02-02T09:00:00.000+01:00"));

        const auto pr
            = decode(readFile(test::dataPath(QStringLiteral("jsonapi/partner-result.json"))), QUrl());
        QVERIFY(pr);
        const tt::PartnerResult p = tt::toPartnerResult(pr->data.constFirst());
        QCOMPARE(p.score, std::optional<int>(82));
        QCOMPARE(p.grade, QStringLiteral("top_fit"));
        QCOMPARE(p.durationSecs, std::optional<qint64>(1934));
        QCOMPARE(p.candidateId, QStringLiteral("333"));
        QCOMPARE(p.jobId, QStringLiteral("444"));
        QCOMPARE(p.details.value(QStringLiteral("awesomeness")).toString(), QStringLiteral("confirmed"));

        const auto pub
            = decode(readFile(test::dataPath(QStringLiteral("jsonapi/public-partner-result.json"))), QUrl());
        QVERIFY(pub);
        const tt::PartnerResult q = tt::toPartnerResult(pub->data.constFirst());
        QCOMPARE(q.score, std::optional<int>(64));
        QCOMPARE(q.candidateId, QStringLiteral("54321"));
        QCOMPARE(q.jobId, QStringLiteral("12345"));
        QCOMPARE(q.details.value(QStringLiteral("rating")).toString(), QStringLiteral("7"));

        const auto notes
            = decode(readFile(test::dataPath(QStringLiteral("jsonapi/notes-list-doc-quirk.json"))),
                QUrl(QStringLiteral("https://api.teamtailor.com/v1/notes")));
        QVERIFY(notes);
        QCOMPARE(notes->data.size(), 2);
        const tt::Note n = tt::toNote(notes->data.at(1));
        QCOMPARE(n.id, QStringLiteral("2"));
        QCOMPARE(n.candidateId, QStringLiteral("4"));
        QCOMPARE(n.userId, QStringLiteral("2"));
    }
};

QTEST_GUILESS_MAIN(tst_JsonApi)
#include "tst_jsonapi.moc"
