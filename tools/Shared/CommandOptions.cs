using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CitizenWorkflows.Tools;

/// <summary>Options the tools share: numbers as written in every culture, range checks, checked lists.</summary>
internal static class CommandOptions
{
    public static Option<int> Int(string name, string description, int defaultValue, int min)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r => AtLeast(r, min));
        return option;
    }

    public static Option<double> Double(string name, string description, double defaultValue, double min)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue, CustomParser = r => Number(r) };
        option.Validators.Add(r => AtLeast(r, min));
        return option;
    }

    /// <summary>
    /// A comma-separated list (<c>--sessions on,off</c>) whose every item is one of <paramref name="allowed"/> when given.
    /// </summary>
    public static Option<string?> List(string name, string description, string? defaultValue, params string[] allowed)
    {
        var option = new Option<string?>(name) { Description = description };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        option.Validators.Add(r =>
        {
            foreach (string item in Items(r.Tokens.Count == 1 ? r.Tokens[0].Value : ""))
            {
                if (allowed.Length > 0 && !allowed.Contains(item, StringComparer.OrdinalIgnoreCase))
                {
                    r.AddError($"{name}: '{item}' is not one of {string.Join(", ", allowed)}.");
                }
            }
        });
        return option;
    }

    /// <summary>A comma-separated list of whole numbers (<c>--sizes 1000,10000</c>), each at least <paramref name="min"/>.</summary>
    public static Option<int[]> IntList(string name, string description, int[]? defaultValue, int min)
    {
        var option = new Option<int[]>(name)
        {
            Description = description,
            CustomParser = r =>
            {
                var values = new List<int>();
                foreach (string item in Items(r.Tokens.Count > 0 ? r.Tokens[^1].Value : ""))
                {
                    if (!int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min)
                    {
                        r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: '{item}' is not a whole number of at least {min}."));
                        return [];
                    }

                    values.Add(value);
                }

                if (values.Count == 0)
                {
                    r.AddError($"{name} needs at least one number.");
                }

                return [.. values];
            },
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        return option;
    }

    /// <summary>A number as written in every culture (<c>2.5</c>), where the parser's own would follow the current one.</summary>
    public static double Number(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return value;
        }

        string option = result.Parent is OptionResult o ? o.IdentifierToken?.Value ?? o.Option.Name : result.Argument.Name;
        result.AddError($"Cannot parse argument '{text}' for option '{option}' as a number.");
        return 0;
    }

    public static string[] Items(string? list) => (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A range check on the given value (a value that does not parse is already the parser's error).</summary>
    public static void AtLeast(OptionResult result, double min, double max = double.MaxValue)
    {
        if (result.Tokens.Count == 1
            && double.TryParse(result.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            && (value < min || value > max))
        {
            string name = result.IdentifierToken?.Value ?? result.Option.Name;
            result.AddError(max == double.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"{name} must be at least {min}, not {result.Tokens[0].Value}.")
                : string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}, not {result.Tokens[0].Value}."));
        }
    }
}
