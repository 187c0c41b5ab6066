using System.Text;

namespace CitizenWorkflows.Workflow.Registry;

/// <summary>One record of a CSV file: the line it starts on, its fields, and the first structural problem found in it, if any.</summary>
/// <param name="Line">1-based physical line where the record starts (a quoted field may span several lines).</param>
/// <param name="Problem">A rule name (<c>csv.quote</c>, <c>csv.unterminated-quote</c>, <c>csv.field-length</c>, <c>csv.columns</c>) or null.</param>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields, string? Problem, string? ProblemMessage);

/// <summary>
/// A streaming RFC 4180 reader: fields separated by commas, records by CRLF (a bare LF or CR is accepted too); a
/// field that starts with a double quote runs to the matching quote and may contain commas, line breaks and doubled
/// quotes (<c>""</c>). Blank lines are skipped and a leading byte-order mark is ignored. Malformed input never
/// throws: the record carries a problem and reading goes on with the next record. Field length and count are capped,
/// so a stray quote cannot make one record swallow the memory.
/// </summary>
public sealed class Rfc4180Reader(TextReader reader, int maxFieldLength = 10_000, int maxFields = 256)
{
    readonly char[] buffer = new char[64 * 1024];
    readonly StringBuilder field = new();
    int position;
    int length;
    int line = 1;
    bool started;

    /// <summary>Reads the next non-blank record; false at the end of the input.</summary>
    public bool TryRead(out CsvRecord record)
    {
        record = null!;
        if (!started)
        {
            started = true;
            if (Peek() == '\uFEFF')
            {
                Next();
            }
        }

        while (Peek() is '\r' or '\n')
        {
            EndOfLine(Next());
        }

        if (Peek() < 0)
        {
            return false;
        }

        int startLine = line;
        var fields = new List<string>();
        string? problem = null;
        string? message = null;
        void Problem(string rule, string text)
        {
            if (problem is null)
            {
                (problem, message) = (rule, text);
            }
        }

        while (true)
        {
            field.Clear();
            if (Peek() == '"')
            {
                Next();
                while (true)
                {
                    int c = Next();
                    if (c < 0)
                    {
                        // The root cause of whatever else went wrong in this record.
                        (problem, message) = ("csv.unterminated-quote", "a quoted field is not closed before the end of the file");
                        break;
                    }

                    if (c == '"')
                    {
                        if (Peek() != '"')
                        {
                            break;
                        }

                        Next();
                    }
                    else if (c == '\r' && Peek() == '\n')
                    {
                        Next();
                        Append('\r', Problem);
                        c = '\n';
                        line++;
                    }
                    else if (c is '\r' or '\n')
                    {
                        line++;
                    }

                    Append((char)c, Problem);
                }

                if (Peek() is not (',' or '\r' or '\n' or -1))
                {
                    Problem("csv.quote", "a closing quote must be followed by a comma or the end of the line");
                }
            }

            while (Peek() is not (',' or '\r' or '\n' or -1))
            {
                int c = Next();
                if (c == '"')
                {
                    Problem("csv.quote", "a field containing a quote must be quoted, with the quote doubled");
                }

                Append((char)c, Problem);
            }

            if (fields.Count < maxFields)
            {
                fields.Add(field.ToString());
            }
            else
            {
                Problem("csv.columns", $"more than {maxFields} fields");
            }

            int end = Next();
            if (end == ',')
            {
                continue;
            }

            if (end >= 0)
            {
                EndOfLine(end);
            }

            record = new CsvRecord(startLine, fields, problem, message);
            return true;
        }
    }

    void Append(char c, Action<string, string> problem)
    {
        if (field.Length < maxFieldLength)
        {
            field.Append(c);
        }
        else
        {
            problem("csv.field-length", $"a field is longer than {maxFieldLength} characters");
        }
    }

    /// <summary>Counts a line break; a CR directly followed by LF is one break.</summary>
    void EndOfLine(int c)
    {
        if (c == '\r' && Peek() == '\n')
        {
            Next();
        }

        line++;
    }

    int Peek()
    {
        if (position == length && !Fill())
        {
            return -1;
        }

        return buffer[position];
    }

    int Next()
    {
        if (position == length && !Fill())
        {
            return -1;
        }

        return buffer[position++];
    }

    bool Fill()
    {
        length = reader.Read(buffer, 0, buffer.Length);
        position = 0;
        return length > 0;
    }
}
