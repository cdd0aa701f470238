// Deterministic seed data: a fixed demo company and a scalable generated one.
#include "sandbox/SandboxPrivate.h"

namespace intrvio {

using namespace sandbox;

namespace {

const char *const kFirstNames[] = { "Alva", "Elias", "Maja", "Noah", "Ebba", "Liam", "Wilma", "Hugo", "Saga",
    "Oscar", "Astrid", "Lucas", "Freja", "Adam", "Nora", "Leo", "Ines", "Omar", "Priya", "Kenji", "Amara",
    "Mateo", "Zoe", "Yusuf", "Chloe", "Ivan", "Lena", "Tariq", "Sofia", "Marek" };
const char *const kLastNames[] = { "Lindqvist", "Okafor", "Berg", "Nakamura", "Haddad", "Svensson", "Moreau",
    "Kowalski", "Andersson", "Fischer", "Rossi", "Patel", "Eriksson", "Novak", "Larsen", "Garcia", "Ahmed",
    "Johansson", "Murphy", "Tanaka", "Dubois", "Nilsson", "Costa", "Schmidt", "Olsen", "Silva", "Karlsson",
    "Weber", "Ivanova", "Holm" };

QString latin(const char *s)
{
    return QString::fromUtf8(s);
}

} // namespace

void Sandbox::Private::seedDemo()
{
    clearData();
    rng.seed(config.seed);
    const QDateTime t0 = now();
    company = Company { QStringLiteral("nWr0b0t1cs7"), QStringLiteral("Northwind Robotics"),
        QStringLiteral("https://careers.northwind-robotics.example"),
        QStringLiteral("https://careers.northwind-robotics.example/logo.png") };

    const struct
    {
        const char *name, *email, *title, *role;
    } people[] = { { "Edison Kuhn", "edison.kuhn@northwind-robotics.example", "Head of Talent", "admin" },
        { "Maria Lind", "maria.lind@northwind-robotics.example", "Senior Recruiter", "recruiter" },
        { "Jonas Ek", "jonas.ek@northwind-robotics.example", "Engineering Manager", "user" } };
    for (const auto &p : people) {
        User u { nextUser++, latin(p.name), latin(p.email), latin(p.title), latin(p.role), t0.addDays(-400) };
        users[u.id] = u;
    }
    const qint64 firstUser = users.begin()->first;

    const struct
    {
        const char *title, *department, *location, *pitch;
        QList<const char *> stageNames;
        QStringList tags;
    } jobDefs[] = {
        { "Senior Backend Engineer", "Engineering", "Stockholm",
            "Build the control software of our warehouse robots.",
            { "Inbox", "Phone screen", "First interview", "Technical interview", "Offer", "Hired" },
            { QStringLiteral("c++"), QStringLiteral("backend") } },
        { "Product Designer", "Design", "Berlin", "Design the tools our operators use every day.",
            { "Inbox", "Phone screen", "Portfolio review", "First interview", "Hired" },
            { QStringLiteral("design"), QStringLiteral("ux") } },
        { "Customer Success Manager", "Customer Success", "London",
            "Help our customers get the most out of their fleets.",
            { "Inbox", "Phone screen", "First interview", "Case study", "Reference check", "Offer", "Hired" },
            { QStringLiteral("customer-success") } },
    };
    int j = 0;
    for (const auto &def : jobDefs) {
        Job job;
        job.id = nextJob++;
        job.title = latin(def.title);
        job.pitch = latin(def.pitch);
        job.body = QStringLiteral("<p>%1</p><p>We offer a friendly team, real robots and a good salary.</p>")
                       .arg(job.pitch);
        job.department = latin(def.department);
        job.location = latin(def.location);
        job.tags = def.tags;
        job.userId = firstUser + 1 + (j % 2);
        job.createdAt = t0.addDays(-60 + 7 * j);
        job.updatedAt = job.createdAt.addDays(2);
        int row = 0;
        for (const char *stageName : def.stageNames) {
            Stage s;
            s.id = nextStage++;
            s.jobId = job.id;
            s.name = latin(stageName);
            s.stageType = row == 0
                ? QStringLiteral("Inbox")
                : (s.name == QLatin1String("Hired") ? QStringLiteral("Hired") : QStringLiteral("In process"));
            s.rowOrder = row++;
            s.createdAt = s.updatedAt = job.createdAt;
            stages[s.id] = s;
            job.stageIds.append(s.id);
        }
        jobs[job.id] = job;
        ++j;
    }

    // 30 candidates; most in the early stages, a few further on, two rejected, three with two
    // applications.
    const QList<qint64> jobIds = [this] {
        QList<qint64> ids;
        for (const auto &kv : jobs)
            ids.append(kv.first);
        return ids;
    }();
    for (int i = 0; i < 30; ++i) {
        Candidate c;
        c.id = nextCandidate++;
        c.uuid = uuid();
        c.firstName = latin(kFirstNames[i]);
        c.lastName = latin(kLastNames[(i * 7) % 30]);
        c.email = QStringLiteral("%1.%2@example.com").arg(c.firstName.toLower(), c.lastName.toLower());
        c.phone = QStringLiteral("+4670%1").arg(1000000 + i * 7919);
        c.pitch = QStringLiteral("Curious, practical and keen to learn.");
        c.referringSite = i % 3 == 0 ? QStringLiteral("LinkedIn") : QStringLiteral("Career site");
        c.tags = i % 4 == 0 ? QStringList { QStringLiteral("referral") } : QStringList {};
        c.sourced = i % 5 == 0;
        c.createdAt = t0.addDays(-30 + i % 25).addSecs(3600 * (i % 9) + 37 * i);
        c.updatedAt = c.createdAt.addSecs(3600);
        candidates[c.id] = c;
        const int apps = (i % 10 == 9) ? 2 : 1;
        for (int k = 0; k < apps; ++k) {
            const Job &job = jobs.at(jobIds.at((i + k) % jobIds.size()));
            JobApplication a;
            a.id = nextApp++;
            a.candidateId = c.id;
            a.jobId = job.id;
            // Stage spread: 0..2 mostly, some later.
            static const int spread[] = { 0, 0, 1, 0, 1, 2, 0, 1, 3, 0, 2, 1, 0, 4, 1 };
            const int stageIndex = std::min<int>(spread[(i + k) % 15], int(job.stageIds.size()) - 1);
            a.stageId = job.stageIds.at(stageIndex);
            a.referringSite = c.referringSite;
            a.coverLetter = QStringLiteral("I would love to join %1.").arg(company.name);
            a.createdAt = c.createdAt.addSecs(60);
            a.changedStageAt = stageIndex == 0 ? a.createdAt : a.createdAt.addDays(1 + stageIndex);
            if (i == 6 || i == 17)
                a.rejectedAt = a.changedStageAt.addSecs(7200);
            a.updatedAt
                = std::max(a.changedStageAt, a.rejectedAt.isValid() ? a.rejectedAt : a.changedStageAt);
            applications[a.id] = a;
            appsByCandidate[c.id].append(a.id);
        }
    }
}

void Sandbox::Private::seedSpec(const SeedSpec &spec)
{
    clearData();
    rng.seed(spec.rng);
    const QDateTime t0 = now();
    company = Company { QStringLiteral("gen%1").arg(spec.rng),
        QStringLiteral("Generated Company %1").arg(spec.rng), QStringLiteral("https://generated.example"),
        QString() };
    for (int i = 0; i < 3; ++i) {
        User u { nextUser++, QStringLiteral("Recruiter %1").arg(i + 1),
            QStringLiteral("recruiter%1@generated.example").arg(i + 1), QStringLiteral("Recruiter"),
            i == 0 ? QStringLiteral("admin") : QStringLiteral("recruiter"), t0.addDays(-500) };
        users[u.id] = u;
    }
    const qint64 firstUser = users.begin()->first;
    static const char *const middle[] = { "Phone screen", "First interview", "Technical interview",
        "Case study", "Reference check", "Offer" };
    QList<qint64> jobIds;
    for (int j = 0; j < spec.jobs; ++j) {
        Job job;
        job.id = nextJob++;
        job.title = QStringLiteral("Job %1").arg(j + 1);
        job.pitch = QStringLiteral("Generated job %1.").arg(j + 1);
        job.department = QStringLiteral("Department %1").arg(j % 4 + 1);
        job.location = QStringLiteral("City %1").arg(j % 3 + 1);
        job.userId = firstUser + (j % 3);
        job.createdAt = t0.addDays(-90 + j % 60);
        job.updatedAt = job.createdAt;
        for (int s = 0; s < spec.stagesPerJob; ++s) {
            Stage st;
            st.id = nextStage++;
            st.jobId = job.id;
            st.rowOrder = s;
            if (s == 0) {
                st.name = QStringLiteral("Inbox");
                st.stageType = QStringLiteral("Inbox");
            } else if (s == spec.stagesPerJob - 1) {
                st.name = QStringLiteral("Hired");
                st.stageType = QStringLiteral("Hired");
            } else {
                st.name
                    = s - 1 < 6 ? QString::fromLatin1(middle[s - 1]) : QStringLiteral("Stage %1").arg(s + 1);
                st.stageType = QStringLiteral("In process");
            }
            st.createdAt = st.updatedAt = job.createdAt;
            stages[st.id] = st;
            job.stageIds.append(st.id);
        }
        jobIds.append(job.id);
        jobs[job.id] = std::move(job);
    }
    const int perCandidate = std::min(spec.applicationsPerCandidate, spec.jobs);
    for (int i = 0; i < spec.candidates; ++i) {
        const quint64 r = rng();
        Candidate c;
        c.id = nextCandidate++;
        c.uuid = uuid();
        c.firstName = latin(kFirstNames[r % 30]);
        c.lastName = latin(kLastNames[(r >> 8) % 30]);
        c.email = QStringLiteral("candidate%1@generated.example").arg(c.id);
        c.phone = QStringLiteral("+4670%1").arg(1000000 + i);
        c.createdAt = t0.addSecs(-qint64((r >> 16) % (86400ULL * 60)));
        c.updatedAt = c.createdAt.addSecs(qint64((r >> 40) % 86400));
        const qint64 cid = c.id;
        const QDateTime created = c.createdAt;
        candidates.emplace_hint(candidates.end(), cid, std::move(c));
        QList<qint64> &mine = appsByCandidate[cid];
        for (int k = 0; k < perCandidate; ++k) {
            const Job &job = jobs.at(jobIds.at((i + k) % jobIds.size()));
            const quint64 r2 = rng();
            JobApplication a;
            a.id = nextApp++;
            a.candidateId = cid;
            a.jobId = job.id;
            a.stageId = job.stageIds.at(int(r2 % quint64(job.stageIds.size())));
            a.createdAt = created.addSecs(60);
            a.changedStageAt = a.createdAt.addSecs(qint64((r2 >> 8) % 86400));
            if ((r2 >> 32) % 10 == 0)
                a.rejectedAt = a.changedStageAt.addSecs(3600);
            a.updatedAt = a.rejectedAt.isValid() ? a.rejectedAt : a.changedStageAt;
            mine.append(a.id);
            applications.emplace_hint(applications.end(), a.id, std::move(a));
        }
    }
}

} // namespace intrvio
