package records_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
)

// caseFiles is a ContentSource with fixed files per case.
type caseFiles map[uuid.UUID][]records.ContentFile

func (f caseFiles) CaseContents(_ context.Context, _ bun.Tx, id uuid.UUID) ([]records.ContentFile, error) {
	return f[id], nil
}

func file(doc uuid.UUID, name, body string) records.ContentFile {
	return records.ContentFile{DocumentID: doc, Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }}
}

// setup2011 gives Orfű a 2011 book with cases filed under an item that
// goes to the archive (U102), one that stays (U401), a disposable one
// (U311) and an open U102 case; the year is then over and its book closed.
func setup2011(t *testing.T) (*db.DB, *records.Service, *clock, map[string]records.Document) {
	d := open(t)
	c := &clock{t: budapest(2011, 5, 2, 9, 0)}
	s := records.NewService(c.now)
	inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.OpenBook(ctx, tx, "KOZ", "Általános iktatókönyv", "", 2011)
		return err
	})
	docs := map[string]records.Document{}
	for _, m := range [][3]string{{"jkv", "Képviselő-testületi ülés, 2011. május", "U102"}, {"szab", "Iratkezelési szabályzat", "U401"},
		{"panasz", "Panasz", "U311"}, {"nyitott", "Rendelet-tervezet", "U102"}, {"jkv2", "Zárt ülés", "U103"}} {
		doc := mustRegister(t, d, s, orfu, in(m[1]))
		if prob := classify(t, d, s, orfu, doc.CaseID, m[2], ""); prob != nil {
			t.Fatal(prob)
		}
		if m[0] != "nyitott" {
			if prob := closeCase(t, d, s, orfu, doc.CaseID); prob != nil {
				t.Fatal(prob)
			}
		}
		docs[m[0]] = doc
	}
	r := in("Jegyzőkönyv kivonat")
	r.Predecessor = docs["jkv"].Number
	r.Direction = records.Outgoing
	docs["kivonat"] = mustRegister(t, d, s, orfu, r) // reopens the case
	closeCase(t, d, s, orfu, docs["jkv"].CaseID)
	c.t = budapest(2012, 1, 10, 9, 0)
	return d, s, c, docs
}

var orfuOrg = records.Organisation{KSH: "11730", Name: "Orfű"}

func createTransfer(t *testing.T, d *db.DB, s *records.Service, year int, w records.BagWriter) (records.Transfer, *records.Problem) {
	t.Helper()
	var tr records.Transfer
	prob := inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		tr, err = s.CreateTransfer(ctx, tx, year, orfuOrg, "kulcs.orfu", w)
		return err
	})
	return tr, prob
}

func TestTransferPackageIsAValidBag(t *testing.T) {
	d, s, _, docs := setup2011(t)
	_, prob := createTransfer(t, d, s, 2012, records.DirBag{Root: t.TempDir()})
	wantProblem(t, prob, "transfer_year")
	_, prob = createTransfer(t, d, s, 2011, records.DirBag{Root: t.TempDir()})
	wantProblem(t, prob, "transfer_book_open")
	inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.CloseBook(ctx, tx, "KOZ", 2011, "kulcs.orfu")
		return err
	})
	// The files of the documents come from the content source; a name
	// from outside cannot escape its folder or break the manifest.
	s.Contents = caseFiles{docs["jkv"].CaseID: {
		file(docs["jkv"].ID, "jegyzőkönyv.pdf", "%PDF-1.7 jegyzőkönyv"),
		file(docs["kivonat"].ID, "../../kivonat%0A\nrossz.txt", "kivonat"),
		file(docs["kivonat"].ID, "../../kivonat%0A\nrossz.txt", "másik kivonat"),
	}}
	dir := filepath.Join(t.TempDir(), "bag")
	tr, prob := createTransfer(t, d, s, 2011, records.DirBag{Root: dir})
	if prob != nil {
		t.Fatal(prob)
	}
	if tr.Cases != 2 || tr.Contents != "files" {
		t.Fatalf("transfer %+v", tr)
	}
	info := validateBag(t, dir)
	if info["Source-Organization"] != "Orfű" || info["ASP-Cases"] != "2" || info["ASP-Contents"] != "files" || info["Payload-Oxum"] != tr.PayloadOxum || info["Bag-Count"] != "1 of 1" {
		t.Errorf("bag-info %v", info)
	}
	// The list and the case metadata.
	var list struct {
		Cases []struct{ Number, Metadata string }
	}
	readJSON(t, filepath.Join(dir, "data", "transfer.json"), &list)
	if len(list.Cases) != 2 || list.Cases[0].Number != "1/2011" || list.Cases[1].Number != "5/2011" {
		t.Fatalf("transfer list %+v", list)
	}
	var rec struct {
		Number   string
		Status   string
		Fileplan struct{ Code, Retention, Lt string }
		ClosedAt string `json:"closed_at"`
		Docs     []struct {
			Number string
			Files  []struct{ Name, Path, SHA256 string }
		} `json:"documents"`
	}
	readJSON(t, filepath.Join(dir, list.Cases[0].Metadata), &rec)
	if rec.Number != "1/2011" || rec.Status != "transferred" || rec.Fileplan.Code != "U102" || rec.Fileplan.Retention != "NS" || rec.Fileplan.Lt != "15" ||
		rec.ClosedAt == "" || len(rec.Docs) != 2 || len(rec.Docs[0].Files) != 1 || len(rec.Docs[1].Files) != 2 {
		t.Fatalf("case metadata %+v", rec)
	}
	for _, f := range rec.Docs[1].Files {
		if strings.Contains(strings.TrimPrefix(f.Path, "data/files/"), "..") || strings.ContainsAny(f.Path, "\n%") || !strings.HasPrefix(f.Path, "data/files/KOZ-2011-000001/2-") {
			t.Errorf("unsafe path %q", f.Path)
		}
	}
	// The cases are marked; the HN, the disposable and the open case are not.
	for key, want := range map[string]records.CaseStatus{"jkv": records.CaseTransferred, "jkv2": records.CaseTransferred,
		"szab": records.CaseClosed, "panasz": records.CaseClosed, "nyitott": records.CaseOpen} {
		if got := loadCase(t, d, orfu, docs[key].CaseID); got.Status != want {
			t.Errorf("%s: %s, want %s", key, got.Status, want)
		}
	}
	es := auditActions(t, d, orfu)
	if !hasAction(es, "records.transfer", `"withheld":["4/2011"]`) {
		t.Error("the transfer's audit entry does not list the withheld case")
	}
	// Nothing is left to hand over; nothing joins a transferred case.
	_, prob = createTransfer(t, d, s, 2011, records.DirBag{Root: t.TempDir()})
	wantProblem(t, prob, "nothing_to_transfer")
	r := in("Késői irat")
	r.Predecessor = docs["jkv"].Number
	if _, err := register(t, d, s, orfu, r); err == nil || err.(*records.Problem).Code != "predecessor_transferred" {
		t.Errorf("follow-up of a transferred case: %v", err)
	}

	// The package can be downloaded again as a zip: the same bag.
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	prob = inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.WriteTransferPackage(ctx, tx, tr.ID, orfuOrg, "kulcs.orfu", records.ZipBag{Zip: zw, Root: tr.BagName(), Modified: tr.CreatedAt})
		return err
	})
	if prob != nil || zw.Close() != nil {
		t.Fatal(prob)
	}
	unzipped := unzip(t, zbuf.Bytes(), tr.BagName())
	validateBag(t, unzipped)
	for _, f := range []string{"manifest-sha256.txt", "tagmanifest-sha256.txt", "bag-info.txt"} {
		if !bytes.Equal(mustRead(t, filepath.Join(dir, f)), mustRead(t, filepath.Join(unzipped, f))) {
			t.Errorf("%s differs in the download", f)
		}
	}
	// A package whose contents changed since the hand-over is refused.
	s.Contents = caseFiles{}
	prob = inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.WriteTransferPackage(ctx, tx, tr.ID, orfuOrg, "x", records.DirBag{Root: t.TempDir()})
		return err
	})
	wantProblem(t, prob, "package_changed")
}

func TestMetadataOnlyTransfer(t *testing.T) {
	d, s, _, _ := setup2011(t)
	inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.CloseBook(ctx, tx, "KOZ", 2011, "x")
		return err
	})
	dir := t.TempDir()
	tr, prob := createTransfer(t, d, s, 2011, records.DirBag{Root: dir})
	if prob != nil {
		t.Fatal(prob)
	}
	if info := validateBag(t, dir); info["ASP-Contents"] != "metadata-only" || tr.Contents != "metadata-only" {
		t.Errorf("contents %q", info["ASP-Contents"])
	}
	// Without any content source nothing is built.
	s.Contents = nil
	prob = inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.WriteTransferPackage(ctx, tx, tr.ID, orfuOrg, "x", records.DirBag{Root: t.TempDir()})
		return err
	})
	wantProblem(t, prob, "no_contents")
	// Aba cannot read Orfű's transfer.
	err := d.InTenant(context.Background(), aba, func(ctx context.Context, tx bun.Tx) error {
		_, err := records.NewService(nil).WriteTransferPackage(ctx, tx, tr.ID, orfuOrg, "x", records.DirBag{Root: t.TempDir()})
		return err
	})
	if p, ok := err.(*records.Problem); !ok || p.Code != "no_transfer" {
		t.Errorf("Aba reached Orfű's transfer: %v", err)
	}
}

// validateBag checks a bag as RFC 8493 asks: bagit.txt, every payload
// file listed in the manifest with its SHA-256 and nothing else under
// data/, the Payload-Oxum, and the tag manifest. It then asks sha256sum
// (coreutils), and bagit.py if installed, to check it independently.
func validateBag(t *testing.T, dir string) map[string]string {
	t.Helper()
	if got := string(mustRead(t, filepath.Join(dir, "bagit.txt"))); got != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
		t.Fatalf("bagit.txt: %q", got)
	}
	info := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(mustRead(t, filepath.Join(dir, "bag-info.txt"))))
	for sc.Scan() {
		label, value, ok := strings.Cut(sc.Text(), ": ")
		if !ok || label == "" || strings.HasPrefix(label, " ") {
			t.Fatalf("bag-info line %q", sc.Text())
		}
		info[label] = value
	}
	for _, l := range []string{"Source-Organization", "Bagging-Date", "Payload-Oxum", "Bag-Count", "External-Identifier", "Bag-Size"} {
		if info[l] == "" {
			t.Errorf("bag-info lacks %s", l)
		}
	}
	listed := checkManifest(t, dir, "manifest-sha256.txt")
	var octets int64
	var count int
	filepath.WalkDir(filepath.Join(dir, "data"), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if e.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if !listed[filepath.ToSlash(rel)] {
			t.Errorf("%s is not in the manifest", rel)
		}
		fi, _ := e.Info()
		octets += fi.Size()
		count++
		return nil
	})
	if len(listed) != count {
		t.Errorf("manifest lists %d files, data/ has %d", len(listed), count)
	}
	if want := fmt.Sprintf("%d.%d", octets, count); info["Payload-Oxum"] != want {
		t.Errorf("Payload-Oxum %s, want %s", info["Payload-Oxum"], want)
	}
	tags := checkManifest(t, dir, "tagmanifest-sha256.txt")
	for _, f := range []string{"bagit.txt", "bag-info.txt", "manifest-sha256.txt"} {
		if !tags[f] {
			t.Errorf("tag manifest lacks %s", f)
		}
	}
	t.Run("sha256sum", func(t *testing.T) {
		if _, err := exec.LookPath("sha256sum"); err != nil {
			t.Skip("sha256sum (coreutils) is not installed")
		}
		for _, m := range []string{"manifest-sha256.txt", "tagmanifest-sha256.txt"} {
			cmd := exec.Command("sha256sum", "--check", "--strict", "--quiet", m)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("sha256sum --check %s: %v\n%s", m, err, out)
			}
		}
	})
	t.Run("bagit.py", func(t *testing.T) {
		py, err := exec.LookPath("bagit.py")
		if err != nil {
			t.Skip("bagit.py (Library of Congress bagit-python) is not installed: Debian 12 has no package for it and PyPI is not reachable here; sha256sum and the checks above validate the bag")
		}
		if out, err := exec.Command(py, "--validate", dir).CombinedOutput(); err != nil {
			t.Errorf("bagit.py --validate: %v\n%s", err, out)
		}
	})
	return info
}

// checkManifest reads "checksum  path" lines, checks each file's SHA-256
// and returns the paths.
func checkManifest(t *testing.T, dir, name string) map[string]bool {
	t.Helper()
	listed := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(mustRead(t, filepath.Join(dir, name))))
	for sc.Scan() {
		sum, path, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("%s line %q", name, sc.Text())
		}
		path = strings.NewReplacer("%0A", "\n", "%0D", "\r", "%25", "%").Replace(path)
		if strings.Contains(path, "..") || strings.HasPrefix(path, "/") {
			t.Fatalf("%s names %q", name, path)
		}
		body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h := sha256.Sum256(body); hex.EncodeToString(h[:]) != sum {
			t.Errorf("%s: checksum of %s does not match", name, path)
		}
		listed[path] = true
	}
	return listed
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(mustRead(t, path), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func unzip(t *testing.T, b []byte, root string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, root+"/") {
			t.Fatalf("zip entry %q outside %s/", f.Name, root)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(out, filepath.FromSlash(f.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		body, _ := io.ReadAll(rc)
		rc.Close()
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(out, root)
}
