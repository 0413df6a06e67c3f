"""One shape for everything the project reports to editors: `path:line: message [code]`."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """A problem in a source file. `message` is Vietnamese for editors; `code` is a stable
    English identifier that tests and documentation refer to."""

    path: Path | str
    line: int | None
    code: str
    message: str
    # "error" fails every build, "warning" a strict one; "info" (a scheduled article) never fails
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message} [{self.code}]"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def blocks_publishing(self) -> bool:
        """Whether a strict build, hence `invoke publish` and `invoke check`, stops on it: errors
        and warnings do; any gentler severity (information) does not."""
        return self.severity in ("error", "warning")


class BuildFailed(Exception):
    """Raised to stop a build; carries the findings that explain why."""

    def __init__(self, findings: list[Finding]):
        self.findings = list(findings)
        super().__init__("\n".join(str(finding) for finding in self.findings))
