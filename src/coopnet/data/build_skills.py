"""Rebuild ``skills.csv`` from the npm package ``linguist-languages`` plus a hand-written list.

Not used at run time; kept so that the data file can be regenerated and audited::

    cd /tmp && npm pack linguist-languages@9.5.0 && tar xzf linguist-languages-9.5.0.tgz
    python src/coopnet/data/build_skills.py /tmp/package > src/coopnet/data/skills.csv

Rows come out in popularity order (most in-demand first): the generator uses the row order as
the popularity rank. The hand-ranked head mixes programming languages (names taken verbatim from
linguist) with common non-language IT skills; the tail is every other top-level linguist
language of type ``programming``, alphabetically, in the ``niche-languages`` family unless
``TAIL_FAMILIES`` says otherwise.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

# (id, display name, family, linguist language name or "" for a hand-written skill)
HEAD: list[tuple[str, str, str, str]] = [
    ("javascript", "JavaScript", "frontend", "JavaScript"),
    ("python", "Python", "backend", "Python"),
    ("sql", "SQL", "data", "SQL"),
    ("html", "HTML", "frontend", "HTML"),
    ("css", "CSS", "frontend", "CSS"),
    ("project-management", "Project management", "project-management", ""),
    ("git", "Git", "devops-cloud", ""),
    ("typescript", "TypeScript", "frontend", "TypeScript"),
    ("ux-design", "UX design", "design-ux", ""),
    ("linux", "Linux administration", "devops-cloud", ""),
    ("react", "React", "frontend", ""),
    ("java", "Java", "backend", "Java"),
    ("agile-delivery", "Agile delivery", "project-management", ""),
    ("php", "PHP", "backend", "PHP"),
    ("docker", "Docker", "devops-cloud", ""),
    ("csharp", "C#", "backend", "C#"),
    ("aws", "Amazon Web Services", "devops-cloud", ""),
    ("ui-design", "UI design", "design-ux", ""),
    ("node-js", "Node.js", "backend", ""),
    ("postgresql", "PostgreSQL", "data", ""),
    ("wordpress", "WordPress", "frontend", ""),
    ("data-analysis", "Data analysis", "data", ""),
    ("shell", "Shell", "devops-cloud", "Shell"),
    ("figma", "Figma", "design-ux", ""),
    ("rest-api-design", "REST API design", "backend", ""),
    ("scrum", "Scrum", "project-management", ""),
    ("business-analysis", "Business analysis", "project-management", ""),
    ("user-research", "User research", "design-ux", ""),
    ("mysql", "MySQL", "data", ""),
    ("azure", "Microsoft Azure", "devops-cloud", ""),
    ("it-support", "IT support", "it-operations", ""),
    ("django", "Django", "backend", ""),
    ("kubernetes", "Kubernetes", "devops-cloud", ""),
    ("go", "Go", "backend", "Go"),
    ("ci-cd", "CI/CD pipelines", "devops-cloud", ""),
    ("excel", "Spreadsheet modelling", "data", ""),
    ("seo", "Search engine optimisation", "digital-marketing", ""),
    ("kotlin", "Kotlin", "mobile", "Kotlin"),
    ("swift", "Swift", "mobile", "Swift"),
    ("android", "Android development", "mobile", ""),
    ("ios", "iOS development", "mobile", ""),
    ("vue", "Vue", "frontend", "Vue"),
    ("product-management", "Product management", "project-management", ""),
    ("technical-writing", "Technical writing", "project-management", ""),
    ("machine-learning", "Machine learning", "data", ""),
    ("power-bi", "Power BI", "data", ""),
    ("network-security", "Network security", "security", ""),
    ("gdpr-compliance", "GDPR and data protection", "security", ""),
    ("networking", "Computer networking", "it-operations", ""),
    ("microsoft-365", "Microsoft 365 administration", "it-operations", ""),
    ("graphic-design", "Graphic design", "design-ux", ""),
    ("content-strategy", "Content strategy", "digital-marketing", ""),
    ("accessibility", "Accessibility (WCAG)", "design-ux", ""),
    ("angular", "Angular", "frontend", ""),
    ("terraform", "Terraform", "devops-cloud", ""),
    ("flask", "Flask", "backend", ""),
    ("spring-boot", "Spring Boot", "backend", ""),
    ("dotnet", ".NET", "backend", ""),
    ("ruby", "Ruby", "backend", "Ruby"),
    ("rails", "Ruby on Rails", "backend", ""),
    ("laravel", "Laravel", "backend", ""),
    ("graphql", "GraphQL", "backend", "GraphQL"),
    ("mongodb", "MongoDB", "data", ""),
    ("redis", "Redis", "data", ""),
    ("gcp", "Google Cloud Platform", "devops-cloud", ""),
    ("ansible", "Ansible", "devops-cloud", ""),
    ("monitoring", "Monitoring and observability", "devops-cloud", ""),
    ("nginx", "Nginx", "devops-cloud", "Nginx"),
    ("powershell", "PowerShell", "it-operations", "PowerShell"),
    ("windows-server", "Windows Server", "it-operations", ""),
    ("active-directory", "Active Directory", "it-operations", ""),
    ("penetration-testing", "Penetration testing", "security", ""),
    ("security-auditing", "Security auditing", "security", ""),
    ("identity-access-management", "Identity and access management", "security", ""),
    ("iso-27001", "ISO 27001", "security", ""),
    ("secure-coding", "Secure coding (OWASP)", "security", ""),
    ("prototyping", "Prototyping", "design-ux", ""),
    ("usability-testing", "Usability testing", "design-ux", ""),
    ("service-design", "Service design", "design-ux", ""),
    ("information-architecture", "Information architecture", "design-ux", ""),
    ("stakeholder-management", "Stakeholder management", "project-management", ""),
    ("requirements-analysis", "Requirements analysis", "project-management", ""),
    ("prince2", "PRINCE2", "project-management", ""),
    ("project-budgeting", "Project budgeting", "project-management", ""),
    ("react-native", "React Native", "mobile", ""),
    ("flutter", "Flutter", "mobile", ""),
    ("dart", "Dart", "mobile", "Dart"),
    ("c", "C", "systems-embedded", "C"),
    ("cpp", "C++", "systems-embedded", "C++"),
    ("rust", "Rust", "systems-embedded", "Rust"),
    ("r", "R", "data", "R"),
    ("pandas", "pandas", "data", ""),
    ("data-engineering", "Data engineering", "data", ""),
    ("etl", "ETL pipelines", "data", ""),
    ("statistics", "Statistics", "data", ""),
    ("tableau", "Tableau", "data", ""),
    ("data-visualisation", "Data visualisation", "data", ""),
    ("spark", "Apache Spark", "data", ""),
    ("scss", "SCSS", "frontend", "SCSS"),
    ("tailwind", "Tailwind CSS", "frontend", ""),
    ("svelte", "Svelte", "frontend", "Svelte"),
    ("next-js", "Next.js", "frontend", ""),
    ("frontend-tooling", "Front-end build tooling", "frontend", ""),
    ("web-performance", "Web performance", "frontend", ""),
    ("frontend-testing", "Front-end testing", "frontend", ""),
    ("drupal", "Drupal", "backend", ""),
    ("e-commerce", "E-commerce development", "frontend", ""),
    ("shopify", "Shopify", "frontend", ""),
    ("social-media-marketing", "Social media marketing", "digital-marketing", ""),
    ("copywriting", "Copywriting", "digital-marketing", ""),
    ("email-marketing", "Email marketing", "digital-marketing", ""),
    ("web-analytics", "Web analytics", "digital-marketing", ""),
    ("salesforce", "Salesforce", "enterprise", ""),
    ("sap", "SAP", "enterprise", ""),
    ("dynamics-365", "Microsoft Dynamics 365", "enterprise", ""),
    ("erp-implementation", "ERP implementation", "enterprise", ""),
    ("crm-implementation", "CRM implementation", "enterprise", ""),
    ("apex", "Apex", "enterprise", "Apex"),
    ("abap", "ABAP", "enterprise", "ABAP"),
    ("cobol", "COBOL", "enterprise", "COBOL"),
    ("vba", "VBA", "enterprise", "VBA"),
    ("visual-basic-net", "Visual Basic .NET", "enterprise", "Visual Basic .NET"),
    ("plsql", "PLSQL", "data", "PLSQL"),
    ("tsql", "TSQL", "data", "TSQL"),
    ("plpgsql", "PLpgSQL", "data", "PLpgSQL"),
    ("scala", "Scala", "data", "Scala"),
    ("julia", "Julia", "data", "Julia"),
    ("matlab", "MATLAB", "data", "MATLAB"),
    ("sas", "SAS", "data", "SAS"),
    ("stata", "Stata", "data", "Stata"),
    ("jupyter", "Jupyter Notebook", "data", "Jupyter Notebook"),
    ("deep-learning", "Deep learning", "data", ""),
    ("nlp", "Natural language processing", "data", ""),
    ("llm-applications", "LLM application development", "data", ""),
    ("mlops", "MLOps", "data", ""),
    ("data-governance", "Data governance", "data", ""),
    ("database-administration", "Database administration", "data", ""),
    ("elasticsearch", "Elasticsearch", "data", ""),
    ("kafka", "Apache Kafka", "data", ""),
    ("airflow", "Apache Airflow", "data", ""),
    ("dbt", "dbt", "data", ""),
    ("snowflake", "Snowflake", "data", ""),
    ("bigquery", "BigQuery", "data", ""),
    ("gis", "GIS and mapping", "data", ""),
    ("open-data", "Open data publishing", "data", ""),
    ("helm", "Helm", "devops-cloud", ""),
    ("serverless", "Serverless architecture", "devops-cloud", ""),
    ("cloud-architecture", "Cloud architecture", "devops-cloud", ""),
    ("site-reliability", "Site reliability engineering", "devops-cloud", ""),
    ("prometheus", "Prometheus", "devops-cloud", ""),
    ("github-actions", "GitHub Actions", "devops-cloud", ""),
    ("gitlab-ci", "GitLab CI", "devops-cloud", ""),
    ("openstack", "OpenStack", "devops-cloud", ""),
    ("hcl", "HCL", "devops-cloud", "HCL"),
    ("nix", "Nix", "devops-cloud", "Nix"),
    ("dockerfile", "Dockerfile", "devops-cloud", "Dockerfile"),
    ("puppet", "Puppet", "devops-cloud", "Puppet"),
    ("backup-recovery", "Backup and disaster recovery", "it-operations", ""),
    ("itil", "ITIL service management", "it-operations", ""),
    ("virtualisation", "Virtualisation", "it-operations", ""),
    ("voip", "VoIP telephony", "it-operations", ""),
    ("service-desk", "Service desk", "it-operations", ""),
    ("endpoint-management", "Endpoint management", "it-operations", ""),
    ("batchfile", "Batchfile", "it-operations", "Batchfile"),
    ("incident-response", "Incident response", "security", ""),
    ("threat-modelling", "Threat modelling", "security", ""),
    ("cryptography", "Applied cryptography", "security", ""),
    ("cloud-security", "Cloud security", "security", ""),
    ("siem", "SIEM and log analysis", "security", ""),
    ("digital-forensics", "Digital forensics", "security", ""),
    ("brand-design", "Brand identity design", "design-ux", ""),
    ("illustration", "Illustration", "design-ux", ""),
    ("motion-design", "Motion design", "design-ux", ""),
    ("adobe-creative-suite", "Adobe Creative Suite", "design-ux", ""),
    ("interaction-design", "Interaction design", "design-ux", ""),
    ("design-systems", "Design systems", "design-ux", ""),
    ("content-design", "Content design", "design-ux", ""),
    ("processing", "Processing", "design-ux", "Processing"),
    ("objective-c", "Objective-C", "mobile", "Objective-C"),
    ("mobile-testing", "Mobile app testing", "mobile", ""),
    ("progressive-web-apps", "Progressive web apps", "mobile", ""),
    ("ionic", "Ionic", "mobile", ""),
    ("dotnet-maui", ".NET MAUI", "mobile", ""),
    ("app-store-optimisation", "App store optimisation", "mobile", ""),
    ("embedded-systems", "Embedded systems", "systems-embedded", ""),
    ("iot", "Internet of Things", "systems-embedded", ""),
    ("microcontrollers", "Microcontroller programming", "systems-embedded", ""),
    ("assembly", "Assembly", "systems-embedded", "Assembly"),
    ("vhdl", "VHDL", "systems-embedded", "VHDL"),
    ("verilog", "Verilog", "systems-embedded", "Verilog"),
    ("systemverilog", "SystemVerilog", "systems-embedded", "SystemVerilog"),
    ("fpga", "FPGA design", "systems-embedded", ""),
    ("cuda", "Cuda", "systems-embedded", "Cuda"),
    ("real-time-systems", "Real-time systems", "systems-embedded", ""),
    ("makefile", "Makefile", "systems-embedded", "Makefile"),
    ("cmake", "CMake", "systems-embedded", "CMake"),
    ("glsl", "GLSL", "systems-embedded", "GLSL"),
    ("zig", "Zig", "systems-embedded", "Zig"),
    ("elixir", "Elixir", "backend", "Elixir"),
    ("erlang", "Erlang", "backend", "Erlang"),
    ("haskell", "Haskell", "backend", "Haskell"),
    ("clojure", "Clojure", "backend", "Clojure"),
    ("fsharp", "F#", "backend", "F#"),
    ("ocaml", "OCaml", "backend", "OCaml"),
    ("perl", "Perl", "backend", "Perl"),
    ("lua", "Lua", "backend", "Lua"),
    ("groovy", "Groovy", "backend", "Groovy"),
    ("jinja", "Jinja", "backend", "Jinja"),
    ("solidity", "Solidity", "backend", "Solidity"),
    ("crystal", "Crystal", "backend", "Crystal"),
    ("gleam", "Gleam", "backend", "Gleam"),
    ("hack", "Hack", "backend", "Hack"),
    ("test-automation", "Test automation", "backend", ""),
    ("test-driven-development", "Test-driven development", "backend", ""),
    ("microservices", "Microservices", "backend", ""),
    ("software-architecture", "Software architecture", "backend", ""),
    ("api-integration", "API integration", "backend", ""),
    ("payment-integration", "Payment integration", "backend", ""),
    ("coffeescript", "CoffeeScript", "frontend", "CoffeeScript"),
    ("elm", "Elm", "frontend", "Elm"),
    ("less", "Less", "frontend", "Less"),
    ("sass", "Sass", "frontend", "Sass"),
    ("astro", "Astro", "frontend", "Astro"),
    ("twig", "Twig", "frontend", "Twig"),
    ("liquid", "Liquid", "frontend", "Liquid"),
    ("handlebars", "Handlebars", "frontend", "Handlebars"),
    ("webassembly", "WebAssembly", "frontend", "WebAssembly"),
    ("purescript", "PureScript", "frontend", "PureScript"),
    ("rescript", "ReScript", "frontend", "ReScript"),
    ("xslt", "XSLT", "enterprise", "XSLT"),
    ("fortran", "Fortran", "data", "Fortran"),
    ("cython", "Cython", "data", "Cython"),
    ("nextflow", "Nextflow", "data", "Nextflow"),
    ("stan", "Stan", "data", "Stan"),
    ("mojo", "Mojo", "data", "Mojo"),
    ("open-source-community", "Open-source community management", "project-management", ""),
    ("technical-training", "Technical training and mentoring", "project-management", ""),
    ("bid-writing", "Bid and proposal writing", "project-management", ""),
    ("workshop-facilitation", "Workshop facilitation", "project-management", ""),
    ("change-management", "Change management", "project-management", ""),
    ("it-procurement", "IT procurement", "project-management", ""),
    ("digital-strategy", "Digital strategy", "project-management", ""),
    ("kanban", "Kanban", "project-management", ""),
    ("jira-administration", "Jira administration", "project-management", ""),
]

# Families for a few tail languages whose use is clear; everything else is "niche-languages".
TAIL_FAMILIES: dict[str, str] = {
    "AppleScript": "it-operations",
    "Bicep": "devops-cloud",
    "Jsonnet": "devops-cloud",
    "Starlark": "devops-cloud",
    "HLSL": "systems-embedded",
    "Ada": "systems-embedded",
    "Nim": "systems-embedded",
    "Pascal": "enterprise",
    "Smalltalk": "enterprise",
    "Vyper": "backend",
    "Move": "backend",
    "Raku": "backend",
    "Racket": "backend",
    "Scheme": "backend",
    "Common Lisp": "backend",
    "Prolog": "data",
    "GDScript": "design-ux",
    "Haxe": "frontend",
}

_NAME = re.compile(r"""^  name: (?:'([^']*)'|"([^"]*)"),$""", re.MULTILINE)
_TYPE = re.compile(r"^  type: '([a-z]+)',$", re.MULTILINE)
_GROUP = re.compile(r"^  group: '", re.MULTILINE)


def slug(name: str) -> str:
    """A skill id for a language name: lower case, ``+`` → ``plus``, ``#`` → ``sharp``."""
    s = name.lower().replace("++", "pp").replace("+", "plus").replace("#", "sharp")
    s = s.replace("*", "star").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def read_languages(package: Path) -> dict[str, tuple[str, bool]]:
    """linguist name -> (type, has a parent group), from the package's ``data/*.js`` files."""
    out: dict[str, tuple[str, bool]] = {}
    for path in sorted((package / "data").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        name, kind = _NAME.search(text), _TYPE.search(text)
        if name is None or kind is None:
            raise SystemExit(f"cannot parse {path}")
        out[name.group(1) or name.group(2)] = (kind.group(1), bool(_GROUP.search(text)))
    return out


def main(package: Path) -> None:
    languages = read_languages(package)
    rows: list[tuple[str, str, str]] = []
    used_languages: set[str] = set()
    for skill_id, name, family, language in HEAD:
        if language:
            if language not in languages:
                raise SystemExit(f"{language!r} is not a linguist language")
            used_languages.add(language)
        rows.append((skill_id, name, family))
    ids = {r[0] for r in rows}
    for language in sorted(languages, key=str.lower):
        kind, grouped = languages[language]
        if kind != "programming" or grouped or language in used_languages:
            continue
        skill_id = slug(language)
        if not skill_id:
            continue
        if skill_id in ids:
            skill_id += "-lang"
        if skill_id in ids:
            raise SystemExit(f"duplicate id {skill_id}")
        ids.add(skill_id)
        rows.append((skill_id, language, TAIL_FAMILIES.get(language, "niche-languages")))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["id", "name", "family"])
    writer.writerows(rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
